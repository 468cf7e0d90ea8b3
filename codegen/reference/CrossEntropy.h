//===- CrossEntropy.h - Shared steps of the cross-entropy lowerings -*- C++
//-*-===//
//
// The reference and the cut form both reduce the logits of a position to a
// few numbers (log-sum-exp, the label's logit, the smoothing sum) and then
// compute the loss from them the same way.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_CODEGEN_REFERENCE_CROSSENTROPY_H
#define ATTIC_CODEGEN_REFERENCE_CROSSENTROPY_H

#include "dialects/attic/AtticDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include <optional>

namespace mlir::attic::reference {

/// The loss attributes of cross_entropy, linear_cross_entropy and its form.
struct LossAttrs {
  Reduction reduction;
  std::optional<int64_t> ignoreIndex;
  double labelSmoothing;
  double zLoss;

  template <typename OpTy> static LossAttrs get(OpTy op) {
    return {op.getReduction(), op.getIgnoreIndex(),
            op.getLabelSmoothing().convertToDouble(),
            op.getZLoss().convertToDouble()};
  }
};

/// The softcap of a linear cross-entropy op, if it has one.
template <typename OpTy> std::optional<double> softcapOf(OpTy op) {
  if (auto cap = op.getSoftcap())
    return cap->convertToDouble();
  return std::nullopt;
}

/// What the loss needs of each position's logits, in the accumulator type,
/// shaped like the labels.
struct CrossEntropyStats {
  /// log(sum_c exp(x_c)).
  Value lse;
  /// x at the label clamped to [0, C).
  Value labelLogit;
  /// sum_c w_c (lse - x_c) (w = 1 without weights); null without label
  /// smoothing.
  Value smooth;
};

/// The label (any integer type) clamped to [0, numClasses) as an index.
Value clampedClass(OpBuilder &b, Location loc, Value label, Value numClasses);

/// Whether `label` counts: false where it equals `ignoreIndex`.
Value countsLabel(OpBuilder &b, Location loc, Value label,
                  std::optional<int64_t> ignoreIndex);

/// weights[label clamped to [0, numClasses)] as `type`; 1 without weights.
Value labelWeight(OpBuilder &b, Location loc, Value weights, Value label,
                  Value numClasses, Type type);

/// In the body of a linalg.generic whose dimension 1 runs over the classes
/// of a block starting at class `classOffset`: whether this element is in
/// the column of the clamped `label`.
Value isLabelColumn(OpBuilder &b, Location loc, Value classOffset, Value label,
                    Value numClasses);

/// The softcap c tanh(u / c).
Value applySoftcap(OpBuilder &b, Location loc, Value u, double softcap);

/// The derivative of the softcap at its result z: 1 - (z / c)^2.
Value softcapSlope(OpBuilder &b, Location loc, Value z, double softcap);

/// The softmax term of the logits' gradient, alpha exp(z - lse), exactly 0
/// where alpha is 0 (an ignored token, whose lse is never read).
Value softmaxTerm(OpBuilder &b, Location loc, Value alpha, Value z, Value lse);

/// The loss (of `lossType`) from the statistics: per position
/// w_y ((1 - eps)(lse - x_y)) + eps smooth / C + z_loss lse^2, 0 where the
/// label is ignored, then the reduction (totals in f64; mean divides by the
/// applied weights). With `lseType`, also the log-sum-exp as that type.
SmallVector<Value> finishCrossEntropy(OpBuilder &b, Location loc, Value labels,
                                      Value weights, const LossAttrs &attrs,
                                      Value numClasses,
                                      const CrossEntropyStats &stats,
                                      RankedTensorType lossType,
                                      RankedTensorType lseType);

/// The log-sum-exp of every row of `logits` [rows, C] (the accumulator
/// type), -inf for an all -inf row.
Value logSumExpRows(OpBuilder &b, Location loc, Value logits);

/// The logits `hidden . classifier^T` (+ `bias`, then softcapped)
/// [rows, classes] in the accumulator type `acc`; `hidden` is [rows, D],
/// `classifier` [classes, D] and `bias` [classes] or null.
Value linearLogits(OpBuilder &b, Location loc, Value hidden, Value classifier,
                   Value bias, std::optional<double> softcap, FloatType acc);

/// The per-token coefficients of the gradient of the loss with respect to
/// the logits, [N] in the type of the lse, 0 where the label is ignored:
///   dz_c = alpha p_c - beta [c = y] - gamma w_c
/// with alpha = g (w_y (1 - eps) + eps W / C + 2 z_loss lse),
/// beta = g w_y (1 - eps) and gamma = g eps / C, g the token's share of the
/// loss gradient and W = sum_c w_c.
struct LossGradCoefficients {
  Value alpha;
  Value beta;
  /// Null without label smoothing.
  Value gamma;
};

/// LossGradCoefficients from the labels [N], class weights (or null), the
/// lse [N] (accumulator type) and `gradLoss` (0-D, or [N] for reduction
/// none).
LossGradCoefficients lossGradCoefficients(OpBuilder &b, Location loc,
                                          Value labels, Value weights,
                                          const LossAttrs &attrs,
                                          Value numClasses, Value lse,
                                          Value gradLoss);

/// The terms of dz that logitGrad includes: the softmax term alpha p always.
struct LogitGradTerms {
  /// The label's column is computed apart (logitGrad leaves it 0) instead
  /// of taking -beta there.
  bool labelColumnApart = false;
  /// -gamma w_c.
  bool smoothing = false;
};

/// The gradient with respect to the pre-softcap logits of a [rows, cols]
/// block of logits `z` (after the softcap) whose first column is class
/// `classOffset`: dz as LossGradCoefficients defines it, times
/// 1 - (z / softcap)^2 with a softcap. `lse`, the coefficients and `labels`
/// are the block's rows; `weights` its columns (or null). A row whose alpha
/// is 0 takes no softmax term, so an ignored token never reads its lse.
Value logitGrad(OpBuilder &b, Location loc, Value z, Value lse,
                const LossGradCoefficients &coefficients, Value labels,
                Value weights, Value classOffset, Value numClasses,
                std::optional<double> softcap, LogitGradTerms terms);

} // namespace mlir::attic::reference

#endif // ATTIC_CODEGEN_REFERENCE_CROSSENTROPY_H
