//===- CutCrossEntropy.h - Shared steps of the cut forms --------*- C++ -*-===//
//
// The forward and backward cut forms both walk the logits block by block;
// the backward needs the forward's log-sum-exp when it is not given one.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_CODEGEN_FORMS_CUTCROSSENTROPY_H
#define ATTIC_CODEGEN_FORMS_CUTCROSSENTROPY_H

#include "mlir/IR/Builders.h"

#include <functional>
#include <optional>

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace mlir::attic::forms {

/// The operands of a linear cross-entropy: hidden [N, D], classifier
/// [V, D], labels [N], optional bias and class weights [V], and the softcap.
struct LinearLossOperands {
  Value hidden;
  Value classifier;
  Value labels;
  Value bias;
  Value weights;
  std::optional<double> softcap;
};

/// Which statistics buildCutStatistics computes.
struct CutStatisticsRequest {
  bool logSumExp = true;
  bool labelLogit = false;
  bool weightedLogitSum = false;
  /// The exponent e > 0 of weightedPowerSum, or none.
  std::optional<double> powerSumExponent;
  /// The center c [N] (accumulator type) of momentMean and momentSquares,
  /// or null for none.
  Value momentCenter;
};

/// Per-token statistics of the logits, [N] in the accumulator type; those
/// not requested are null.
struct CutStatistics {
  /// log(sum_c exp(z_c)), when logSumExp is requested.
  Value lse;
  /// z at the clamped label.
  Value labelLogit;
  /// sum_c w_c z_c (w = 1 without weights).
  Value weightedLogitSum;
  /// sum_c w_c p_c^e, p = softmax(z): accumulated as
  /// sum_c w_c exp(e (z_c - m)) with the running maximum m, like the lse.
  Value weightedPowerSum;
  /// sum_c (z_c - c) / C, the mean of the logits less the center.
  Value momentMean;
  /// sum_c (z_c - c - momentMean)^2, the sum of squared deviations from the
  /// mean, merged over the class blocks without cancellation.
  Value momentSquares;
};

/// CutStatistics by a loop over blocks of `blockN` tokens and, inside it, a
/// loop over blocks of `blockV` classes with running per-token statistics
/// (the log-sum-exp's maximum and rescaled sum, the moments' mean and sum
/// of squared deviations): no tensor holds more than blockN x blockV
/// logits.
CutStatistics buildCutStatistics(OpBuilder &b, Location loc,
                                 const LinearLossOperands &in, int64_t blockN,
                                 int64_t blockV,
                                 const CutStatisticsRequest &request);

/// Where the statistics of a cut form come from: buildCutStatistics, or
/// another implementation (a GPU kernel) that fails, creating nothing, for
/// requests it does not cover.
using CutStatisticsFn = std::function<FailureOr<CutStatistics>(
    OpBuilder &, Location, const LinearLossOperands &, int64_t blockN,
    int64_t blockV, const CutStatisticsRequest &)>;

/// attic.cut_cross_entropy lowered with its per-token statistics from
/// `statistics` (buildCutStatistics where it fails); the loss follows from
/// them as in the reference.
void populateCutCrossEntropyLoweringPatterns(RewritePatternSet &patterns,
                                             CutStatisticsFn statistics);

/// One block of the gradient loops of accumulateBlockGradients.
struct GradientBlock {
  /// The block's tokens [tok, tok + rows) and classes [cls, cls + cols).
  Value tok, rows, cls, cols;
  /// The block's logits [rows, cols] (after bias and softcap), in the
  /// accumulator type.
  Value z;
  /// Rows [tok, tok + rows) of each per-token tensor, in order.
  ArrayRef<Value> tiles;
};

/// The gradients of a linear loss, in the accumulator type; `bias` is null
/// without a bias.
struct LinearLossGradients {
  Value hidden, classifier, bias;
};

/// The gradients of a linear loss from its logits' gradient, block by
/// block: a loop over blocks of `blockN` tokens and, inside it, a loop over
/// blocks of `blockV` classes that computes the block's logits, asks
/// `logitGrad` for du [rows, cols] (the gradient with respect to the
/// pre-softcap logits) and accumulates grad_hidden += du classifier_blk,
/// grad_classifier_blk += du^T hidden_blk and grad_bias_blk += colsum du.
/// The blocks see the rows of each tensor of `perToken` ([N] each). With
/// `keepBlock`, a block where it returns false (i1) is skipped. Reads
/// hidden, classifier, bias and softcap of `in`.
LinearLossGradients accumulateBlockGradients(
    OpBuilder &b, Location loc, const LinearLossOperands &in, int64_t blockN,
    int64_t blockV, ValueRange perToken,
    function_ref<Value(OpBuilder &, Location, const GradientBlock &)> logitGrad,
    function_ref<Value(OpBuilder &, Location, const GradientBlock &)>
        keepBlock = nullptr);

/// What the class blocks of attic.cut_cross_entropy_grad compute, for an
/// implementation other than accumulateBlockGradients (a GPU kernel): per
/// block, du = alpha exp(z - lse) (- gamma w_c p_c^e with `smoothing`, e
/// the exponent), 0 in the label's column, times the softcap's slope, and
/// the gradients accumulated from it as there. `in` holds the classes in
/// the blocks' order (the sorted classifier, bias and weights, and the
/// labels as positions in that order).
struct CutGradientBlocks {
  LinearLossOperands in;
  int64_t blockN = 0, blockV = 0;
  /// Per token [N], in the accumulator type; gamma only with smoothing.
  Value lse, alpha, gamma;
  bool smoothing = false;
  double exponent = 0.0;
  /// With gradient filtering (else null): a block counts only if one of
  /// its entries outside the label's column, of a token whose alpha is not
  /// 0, has z - filterLse[token] >= logEps.
  Value filterLse;
  double logEps = 0.0;
};

/// Where the blocks of a cut gradient are computed: accumulateBlockGradients,
/// or another implementation that fails, creating nothing, for blocks it
/// does not cover.
using CutGradientBlocksFn = std::function<FailureOr<LinearLossGradients>(
    OpBuilder &, Location, const CutGradientBlocks &)>;

/// attic.cut_cross_entropy_grad lowered with its blocks from `blocks`
/// (accumulateBlockGradients where it fails); the label's column and the
/// smoothing term outside the blocks as in the reference.
void populateCutCrossEntropyGradLoweringPatterns(RewritePatternSet &patterns,
                                                 CutGradientBlocksFn blocks);

/// The logit of every token at its clamped label, [N] in the accumulator
/// type: hidden[i] . classifier[y_i] (+ bias[y_i], then the softcap), a
/// gather rather than a pass over the classes.
Value labelLogitsOf(OpBuilder &b, Location loc, const LinearLossOperands &in);

/// A [rows, cols] slice at (row, 0) of a 2-D tensor, or a [rows] slice of a
/// 1-D one.
Value rowsOf(OpBuilder &b, Location loc, Value tensor, Value row, Value rows);

/// Inserts `slice` (rows of `dest`, as rowsOf extracts them) into `dest` at
/// `row`.
Value insertRows(OpBuilder &b, Location loc, Value slice, Value dest, Value row,
                 Value rows);

} // namespace mlir::attic::forms

#endif // ATTIC_CODEGEN_FORMS_CUTCROSSENTROPY_H
