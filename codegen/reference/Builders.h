//===- Builders.h - IR helpers of the reference lowering --------*- C++ -*-===//
//
// Small, reusable pieces of tensor-level IR: empty tensors shaped like
// others, fills, precision casts and the row statistics of a stable softmax.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_CODEGEN_REFERENCE_BUILDERS_H
#define ATTIC_CODEGEN_REFERENCE_BUILDERS_H

#include "dialects/attic/AtticDialect.h"

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace mlir::attic::reference {

/// The type reductions accumulate in: f32, or the element type if wider.
FloatType accumulatorType(Type elementType);

/// Converts a float scalar to `type` (extf or truncf; identity if equal).
Value castFloat(OpBuilder &b, Location loc, Value value, Type type);

/// A float constant of `type`.
Value constF(OpBuilder &b, Location loc, Type type, double value);

/// Converts an integer or index value to i64 (sign-extending narrower ones).
Value toI64(OpBuilder &b, Location loc, Value value);

/// Sizes of `tensor` as OpFoldResults (static attributes or tensor.dim).
SmallVector<OpFoldResult> getSizes(OpBuilder &b, Location loc, Value tensor);

/// tensor.empty of `sizes` and `elementType`.
Value emptyTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                  Type elementType);

/// tensor.empty of `sizes` filled with the scalar `value` (as elementType).
Value filledTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                   Type elementType, double value);

/// `value` as `type`: its elements cast to `type`'s element type (a
/// linalg.generic, only when they differ), then a tensor.cast when the static
/// sizes differ.
Value castTensor(OpBuilder &b, Location loc, Value value,
                 RankedTensorType type);

/// The slice of `tensor` at `position` along `axis`, keeping that axis as a
/// unit dimension (a rank-reducing slice would be ambiguous when other
/// dimensions are 1 too).
Value extractUnitSlice(OpBuilder &b, Location loc, Value tensor, int64_t axis,
                       OpFoldResult position);

/// Inserts `slice` (`dest`'s shape with `axis` of size 1) into `dest` at
/// `position` along `axis`.
Value insertUnitSlice(OpBuilder &b, Location loc, Value slice, Value dest,
                      int64_t axis, OpFoldResult position);

/// A linalg.generic with one result, `init`'s type, and all-parallel
/// iterators over `init`'s rank; `body` yields the element.
Value parallelGeneric(
    OpBuilder &b, Location loc, ValueRange inputs, Value init,
    ArrayRef<AffineMap> maps,
    function_ref<void(OpBuilder &, Location, ValueRange)> body);

/// The row statistics of a numerically stable softmax along `axis`, in the
/// accumulator type, with the axis dropped from the shape.
struct RowStats {
  /// The row maximum, or 0 for a row that is entirely -inf (so x - max
  /// stays -inf there instead of becoming NaN).
  Value max;
  /// sum(exp(x - max)); 0 exactly when the row is entirely -inf.
  Value sum;
};

/// `rawMax` (row maxima) with every -inf replaced by 0, as RowStats::max
/// wants it.
Value zeroNegInfMax(OpBuilder &b, Location loc, Value rawMax);

/// Computes RowStats of `input` along `axis` in two linalg reductions.
RowStats buildRowStats(OpBuilder &b, Location loc, Value input, int64_t axis);

/// The body of mapRows and mapToRows: the result element from `x` (in the
/// accumulator type; absent for mapToRows) and the row values.
using RowFn =
    function_ref<Value(OpBuilder &, Location, Value x, ValueRange row)>;

/// `fn(x, row values)` for every element x of `input`, each of `rows`
/// indexed by the element's row (the axis dropped); the result has
/// `input`'s type, `fn` works in the accumulator type.
Value mapRows(OpBuilder &b, Location loc, Value input, int64_t axis,
              ValueRange rows, RowFn fn);

/// `fn(row values)` for every row of `input` along `axis`, as a tensor of
/// `resultType` (the input shape without the axis, or with it set to 1 when
/// `keepDim`).
Value mapToRows(OpBuilder &b, Location loc, Value input, int64_t axis,
                bool keepDim, RankedTensorType resultType, ValueRange rows,
                RowFn fn);

/// `sum == 0` (an all -inf row) selects `ifEmpty`, else `value`.
Value selectNonEmpty(OpBuilder &b, Location loc, Value sum, Value value,
                     double ifEmpty);

/// The member `kind` of the softmax family of `input` along `axis` from its
/// row statistics: exp(x - max) / sum, (x - max) - log(sum), or
/// max + log(sum). An all -inf row (sum 0) gives 0, -inf and -inf.
/// `keepDim` and `resultType` shape logsumexp's result.
Value softmaxFromStats(OpBuilder &b, Location loc, SoftmaxKind kind,
                       Value input, int64_t axis, bool keepDim,
                       RankedTensorType resultType, const RowStats &stats);

/// A linalg.generic computing init + sum(lhs * rhs) over its reduction
/// loops, both factors cast to `init`'s element type first.
Value contract(OpBuilder &b, Location loc, Value lhs, Value rhs, Value init,
               ArrayRef<AffineMap> maps,
               ArrayRef<utils::IteratorType> iterators);

/// A reduction of `input` along `axis` into one row tensor per entry of
/// `inits` (filled with that value, in the accumulator type). `rows` are
/// read at the element's row. `body` maps x (in the accumulator type), the
/// row values and the accumulators to the new accumulators.
SmallVector<Value>
reduceAxis(OpBuilder &b, Location loc, Value input, int64_t axis,
           ValueRange rows, ArrayRef<double> inits,
           function_ref<SmallVector<Value>(OpBuilder &, Location, Value x,
                                           ValueRange row, ValueRange accs)>
               body);

/// reduceAxis into the row tensors `outs` (in the accumulator type), which
/// hold the accumulators' initial values: a reduction that continues
/// another.
SmallVector<Value>
reduceAxisInto(OpBuilder &b, Location loc, Value input, int64_t axis,
               ValueRange rows, ValueRange outs,
               function_ref<SmallVector<Value>(OpBuilder &, Location, Value x,
                                               ValueRange row, ValueRange accs)>
                   body);

/// Index arithmetic with short spellings, for loop bounds and tile sizes.
struct IndexMath {
  OpBuilder &b;
  Location loc;
  Value c(int64_t v);
  Value add(Value x, Value y);
  Value sub(Value x, Value y);
  Value mul(Value x, Value y);
  Value min(Value x, Value y);
  Value max(Value x, Value y);
  Value div(Value x, Value y);
  /// x < y (signed), an i1.
  Value lt(Value x, Value y);
  Value dim(Value tensor, int64_t d);
  /// The size of the tile of a loop over [.., bound) stepping by `block`
  /// that starts at `at`: min(block, bound - at).
  Value tileSize(Value block, Value bound, Value at);
};

/// Reduces the innermost dimension of `input` into `init` (its shape
/// without that dimension) with `combine(element, accumulator)`.
Value reduceInnermost(
    OpBuilder &b, Location loc, Value input, Value init,
    function_ref<Value(OpBuilder &, Location, Value, Value)> combine);

/// One step of a running maximum, elementwise over same-shaped tensors:
/// newMax = max(max, blockMax) and alpha = exp(max - newMax), where a
/// newMax of -inf counts as 0 so that an all -inf row stays NaN-free.
struct RunningMax {
  Value newMax;
  Value alpha;
};
RunningMax updateRunningMax(OpBuilder &b, Location loc, Value max,
                            Value blockMax);

/// x - m for the exponent of a running softmax, with m = -inf taken as 0
/// (a row that has seen only -inf).
Value subtractSafeMax(OpBuilder &b, Location loc, Value x, Value m);

} // namespace mlir::attic::reference

#endif // ATTIC_CODEGEN_REFERENCE_BUILDERS_H
