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

/// Per-token statistics of the logits, [N] in the accumulator type.
struct CutStatistics {
  /// log(sum_c exp(z_c)).
  Value lse;
  /// z at the clamped label; null unless asked for.
  Value labelLogit;
  /// sum_c w_c z_c (w = 1 without weights); null unless asked for.
  Value weightedLogitSum;
};

/// CutStatistics by a loop over blocks of `blockN` tokens and, inside it, a
/// loop over blocks of `blockV` classes with a running log-sum-exp: no
/// tensor holds more than blockN x blockV logits.
CutStatistics buildCutStatistics(OpBuilder &b, Location loc,
                                 const LinearLossOperands &in, int64_t blockN,
                                 int64_t blockV, bool withLabelLogit,
                                 bool withLogitSum);

/// A [rows, cols] slice at (row, 0) of a 2-D tensor, or a [rows] slice of a
/// 1-D one.
Value rowsOf(OpBuilder &b, Location loc, Value tensor, Value row, Value rows);

/// Inserts `slice` (rows of `dest`, as rowsOf extracts them) into `dest` at
/// `row`.
Value insertRows(OpBuilder &b, Location loc, Value slice, Value dest, Value row,
                 Value rows);

} // namespace mlir::attic::forms

#endif // ATTIC_CODEGEN_FORMS_CUTCROSSENTROPY_H
