//===- CutCrossEntropy.h - Shared steps of the cut forms --------*- C++ -*-===//
//
// The forward and backward cut forms both walk the logits block by block;
// the backward needs the forward's log-sum-exp when it is not given one.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_CODEGEN_FORMS_CUTCROSSENTROPY_H
#define ATTIC_CODEGEN_FORMS_CUTCROSSENTROPY_H

#include "mlir/IR/Builders.h"

#include <optional>

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

/// Which statistics beyond the lse buildCutStatistics computes.
struct CutStatisticsRequest {
  bool labelLogit = false;
  bool weightedLogitSum = false;
  /// The exponent e > 0 of weightedPowerSum, or none.
  std::optional<double> powerSumExponent;
};

/// Per-token statistics of the logits, [N] in the accumulator type; those
/// not requested are null.
struct CutStatistics {
  /// log(sum_c exp(z_c)).
  Value lse;
  /// z at the clamped label.
  Value labelLogit;
  /// sum_c w_c z_c (w = 1 without weights).
  Value weightedLogitSum;
  /// sum_c w_c p_c^e, p = softmax(z): accumulated as
  /// sum_c w_c exp(e (z_c - m)) with the running maximum m, like the lse.
  Value weightedPowerSum;
};

/// CutStatistics by a loop over blocks of `blockN` tokens and, inside it, a
/// loop over blocks of `blockV` classes with a running log-sum-exp: no
/// tensor holds more than blockN x blockV logits.
CutStatistics buildCutStatistics(OpBuilder &b, Location loc,
                                 const LinearLossOperands &in, int64_t blockN,
                                 int64_t blockV,
                                 const CutStatisticsRequest &request);

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
