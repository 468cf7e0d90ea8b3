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

#include "codegen/reference/Builders.h"
#include "dialects/attic/AtticDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include <optional>

namespace mlir::attic::reference {

/// The exponent e of a comp-sum loss kind, phi(log p) = (1 - p^e) / e:
/// 0 for cross_entropy (the limit -log p), q, 1 and -1 for the others.
double lossExponent(LossKind kind, std::optional<double> q);

/// The loss attributes of cross_entropy, linear_cross_entropy and its form.
struct LossAttrs {
  Reduction reduction;
  std::optional<int64_t> ignoreIndex;
  double labelSmoothing;
  double zLoss;
  /// The comp-sum loss kind, as its exponent (see lossExponent).
  double exponent;

  template <typename OpTy> static LossAttrs get(OpTy op) {
    std::optional<double> q;
    if (auto attr = op.getQ())
      q = attr->convertToDouble();
    return {op.getReduction(), op.getIgnoreIndex(),
            op.getLabelSmoothing().convertToDouble(),
            op.getZLoss().convertToDouble(), lossExponent(op.getKind(), q)};
  }
};

/// The comp-sum loss of a class whose log-probability is `logP`:
/// (1 - exp(e logP)) / e, or -logP for e = 0, accurate for p near 1.
Value compSumLoss(OpBuilder &b, Location loc, Value logP, double exponent);

/// Its gradient scale -dphi / dlogP = exp(e logP) (1 for e = 0).
Value compSumScale(OpBuilder &b, Location loc, Value logP, double exponent);

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
  /// sum_c w_c phi(x_c - lse) (w = 1 without weights, phi the comp-sum
  /// loss); null without label smoothing.
  Value smooth;
};

/// Per position of `logits` [N, C, d...], sum_c w_c term(x_c - lse) in the
/// type of `lse` [N, d...] (w = 1 without `weights`).
Value weightedClassSum(OpBuilder &b, Location loc, Value logits, Value lse,
                       Value weights,
                       function_ref<Value(OpBuilder &, Location, Value)> term);

/// The logit at the clamped label of every position of `logits`
/// [N, C, d...], in the accumulator type, shaped like `labels`.
Value labelLogits(OpBuilder &b, Location loc, Value logits, Value labels);

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

/// Whether class `column` (an index) is the clamped `label`.
Value isLabelClass(OpBuilder &b, Location loc, Value column, Value label,
                   Value numClasses);

/// The softcap c tanh(u / c).
Value applySoftcap(OpBuilder &b, Location loc, Value u, double softcap);

/// The derivative of the softcap at its result z: 1 - (z / c)^2.
Value softcapSlope(OpBuilder &b, Location loc, Value z, double softcap);

/// The softmax term of the logits' gradient, alpha exp(power (z - lse)),
/// exactly 0 where alpha is 0 (an ignored token, whose lse is never read).
Value softmaxTerm(OpBuilder &b, Location loc, Value alpha, Value z, Value lse,
                  double power = 1.0);

/// The loss (of `lossType`) from the statistics: per position
/// w_y (1 - eps) phi(x_y - lse) + eps smooth / C + z_loss lse^2, 0 where the
/// label is ignored, then the reduction (totals in f64; mean divides by the
/// applied weights). With `lseType`, also the log-sum-exp as that type.
SmallVector<Value> finishCrossEntropy(OpBuilder &b, Location loc, Value labels,
                                      Value weights, const LossAttrs &attrs,
                                      Value numClasses,
                                      const CrossEntropyStats &stats,
                                      RankedTensorType lossType,
                                      RankedTensorType lseType);

/// The reduction of per-position `losses` and applied weights `applied`
/// (accumulator type): `losses` itself (as `lossType`), their sum, or
/// sum / sum of applied weights for mean, the totals in f64.
Value reduceLosses(OpBuilder &b, Location loc, Value losses, Value applied,
                   Reduction reduction, RankedTensorType lossType);

/// The log-sum-exp of every row of `logits` [rows, C] (the accumulator
/// type), -inf for an all -inf row.
Value logSumExpRows(OpBuilder &b, Location loc, Value logits);

/// The logits `hidden . classifier^T` (+ `bias`, then softcapped)
/// [rows, classes] in the accumulator type `acc`; `hidden` is [rows, D],
/// `classifier` [classes, D] and `bias` [classes] or null.
Value linearLogits(OpBuilder &b, Location loc, Value hidden, Value classifier,
                   Value bias, std::optional<double> softcap, FloatType acc);

/// The logits of a linear loss op (hidden, classifier, bias, softcap) in
/// the accumulator type of its hidden states.
template <typename OpTy> Value linearLogitsOf(OpBuilder &b, OpTy op) {
  return linearLogits(
      b, op.getLoc(), op.getHidden(), op.getClassifier(), op.getBias(),
      softcapOf(op),
      accumulatorType(op.getHidden().getType().getElementType()));
}

/// The gradients of a linear loss from du [N, V], the gradient with respect
/// to its pre-softcap logits (accumulator type): du . classifier,
/// du^T . hidden and, when `resultTypes` has a third type, the column sums
/// of du, each cast to its result type.
SmallVector<Value> linearLossGradients(OpBuilder &b, Location loc, Value du,
                                       Value hidden, Value classifier,
                                       TypeRange resultTypes);

/// Each token's share g of the loss gradient `gradLoss` (0-D, or [N] for
/// reduction none), [N] of `acc`: gradLoss[i], gradLoss, or gradLoss / the
/// sum of applied weights (summed in f64) for none, sum and mean; 0 where
/// the label is ignored.
Value lossShares(OpBuilder &b, Location loc, Value labels, Value weights,
                 Reduction reduction, std::optional<int64_t> ignoreIndex,
                 Value numClasses, Value gradLoss, FloatType acc);

/// The per-token coefficients of the gradient of the loss with respect to
/// the logits, [N] in the type of the lse, 0 where the label is ignored:
///   dz_c = alpha p_c - beta [c = y] - gamma w_c p_c^e
/// with alpha = g (w_y (1 - eps) k + eps T / C + 2 z_loss lse),
/// beta = g w_y (1 - eps) k and gamma = g eps / C, g the token's share of
/// the loss gradient, e the loss kind's exponent, k = p_y^e its gradient
/// scale and T = sum_c w_c p_c^e (sum_c w_c for cross-entropy).
struct LossGradCoefficients {
  Value alpha;
  Value beta;
  /// Null without label smoothing.
  Value gamma;
  /// log |alpha / g|: how the softmax term of a token compares with its
  /// share of the loss gradient, for gradient filtering (-inf where alpha
  /// is 0).
  Value logAlphaScale;
};

/// LossGradCoefficients from the labels [N], class weights (or null), the
/// lse [N] (accumulator type) and `gradLoss` (0-D, or [N] for reduction
/// none); for a kind other than cross-entropy also the label's logit [N]
/// and, with label smoothing, T [N] (null otherwise).
LossGradCoefficients
lossGradCoefficients(OpBuilder &b, Location loc, Value labels, Value weights,
                     const LossAttrs &attrs, Value numClasses, Value lse,
                     Value gradLoss, Value labelLogit, Value powerSum);

/// The terms of dz that logitGrad includes: the softmax term alpha p always.
struct LogitGradTerms {
  /// The label's column is computed apart (logitGrad leaves it 0) instead
  /// of taking -beta there.
  bool labelColumnApart = false;
  /// -gamma w_c p_c^e, e the loss kind's exponent.
  bool smoothing = false;
  double exponent = 0.0;
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

/// The scalars one entry of logitGrad reads: its logit z, its row's lse,
/// coefficients and label, its class (an index) and that class's weight.
/// `beta` is read unless the label's column is apart, `gamma` and `weight`
/// (null: 1) with the smoothing term.
struct LogitGradEntry {
  Value z, lse, alpha, beta, gamma, label, column, weight;
};

/// One entry of logitGrad, as scalars (for kernels that compute the
/// logits themselves).
Value logitGradEntry(OpBuilder &b, Location loc, const LogitGradEntry &entry,
                     Value numClasses, std::optional<double> softcap,
                     LogitGradTerms terms);

//===----------------------------------------------------------------------===//
// The spherical Z-loss
//===----------------------------------------------------------------------===//

/// The attributes of the spherical Z-loss ops.
struct SphericalAttrs {
  double a;
  double b;
  Reduction reduction;
  std::optional<int64_t> ignoreIndex;

  template <typename OpTy> static SphericalAttrs get(OpTy op) {
    return {op.getA().convertToDouble(), op.getB().convertToDouble(),
            op.getReduction(), op.getIgnoreIndex()};
  }
};

/// What the spherical Z-loss needs of each position's logits, in the
/// accumulator type, shaped like the labels.
struct SphericalStats {
  /// sum_c (x_c - x_y) / C: the mean less the label's logit x_y (at the
  /// label clamped to [0, C)). Relative to x_y it stays accurate when the
  /// logits share a large offset, which cancels in x_c - x_y.
  Value offset;
  /// sum_c (x_c - mean)^2, the sum of squared deviations (an error in the
  /// mean changes it only to second order).
  Value squares;
  /// x_y, and x_y + offset, the mean; set by sphericalStats.
  Value labelLogit;
  Value mean;
};

/// The spherical Z-loss (of `lossType`) from the statistics: per position
/// w_y softplus(a (b - zhat)) / a, zhat = -offset / sigma the label's
/// standardized logit (0 where every logit is equal), 0 where the label is
/// ignored, then the reduction.
Value finishSphericalZLoss(OpBuilder &b, Location loc, Value labels,
                           Value weights, const SphericalAttrs &attrs,
                           Value numClasses, const SphericalStats &stats,
                           RankedTensorType lossType);

/// The statistics of `logits` [N, C, d...] computed directly: the label's
/// logit, the mean relative to it, then the squared deviations.
SphericalStats sphericalStats(OpBuilder &b, Location loc, Value logits,
                              Value labels);

/// The per-token coefficients of the gradient of the spherical Z-loss with
/// respect to the logits, [N] in the accumulator type:
///   dz_c = kappa [c = y] + alpha + beta (z_c - mean)
/// with kappa = -g w_y s / sigma, alpha = -kappa / C and
/// beta = -kappa zhat_y / (C sigma), s = sigmoid(a (b - zhat_y)); all 0
/// where sigma is 0 or the label is ignored.
struct SphericalGradCoefficients {
  Value kappa;
  Value alpha;
  Value beta;
  /// The mean of the token's logits.
  Value mean;
};

/// SphericalGradCoefficients from the labels [N], class weights (or null),
/// the statistics, the label's logits [N] and `gradLoss`.
SphericalGradCoefficients
sphericalGradCoefficients(OpBuilder &b, Location loc, Value labels,
                          Value weights, const SphericalAttrs &attrs,
                          Value numClasses, const SphericalStats &stats,
                          Value labelLogit, Value gradLoss);

/// The gradient with respect to the pre-softcap logits of a [rows, cols]
/// block of logits `z` (after the softcap) whose first column is class
/// `classOffset`; the coefficients and `labels` are the block's rows.
Value sphericalLogitGrad(OpBuilder &b, Location loc, Value z,
                         const SphericalGradCoefficients &coefficients,
                         Value labels, Value classOffset, Value numClasses,
                         std::optional<double> softcap);

} // namespace mlir::attic::reference

#endif // ATTIC_CODEGEN_REFERENCE_CROSSENTROPY_H
