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

} // namespace mlir::attic::reference

#endif // ATTIC_CODEGEN_REFERENCE_CROSSENTROPY_H
