//===- Common.h - Lowering onnx ops: shared helpers -*- C++ -*-
//-------------===//
//
// What the operator families of the onnx lowering (Elementwise.cpp,
// LinearAlgebra.cpp, Reductions.cpp, Normalization.cpp, Shapes.cpp)
// share: the result type of a lowering, broadcasting, constants, axes and
// type checks, and one entry point per family. Private to codegen/onnx.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_CODEGEN_ONNX_COMMON_H
#define ATTIC_CODEGEN_ONNX_COMMON_H

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"

#include <optional>

namespace mlir::attic::onnx_lowering {

/// The lowering of one op: its replacement values, or failure after an
/// error on the op.
using Lowered = FailureOr<SmallVector<Value>>;

/// The lowering of `op` by one operator family, or none when `op` is not
/// of that family.
std::optional<Lowered> lowerElementwiseOp(OpBuilder &b, Operation *op);
std::optional<Lowered> lowerLinearAlgebraOp(OpBuilder &b, Operation *op);
std::optional<Lowered> lowerReductionOp(OpBuilder &b, Operation *op);
std::optional<Lowered> lowerNormalizationOp(OpBuilder &b, Operation *op);
std::optional<Lowered> lowerShapeOp(OpBuilder &b, Operation *op);

/// `value` as the lowering of a result of `type` (a tensor.cast where
/// `value`'s type is more precise).
Lowered resultAs(OpBuilder &b, Location loc, Value value, Type type);

/// The ranked type of `v`, or null.
RankedTensorType ranked(Value v);

bool isNone(Value v);

/// A constant scalar of `type` (float, integer or i1).
Value scalarConstant(OpBuilder &b, Location loc, Type type, double value);

/// A tensor of `sizes` filled with `value` as `type` (float or integer;
/// reference::filledTensor takes floats only).
Value filled(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
             Type type, double value);

/// Where a maximum starts: -inf, or the smallest signed integer.
double lowestOf(Type type);

/// `axis` of `op` normalized for `rank`, or failure after an error.
FailureOr<int64_t> axisOf(Operation *op, int64_t axis, int64_t rank);

/// Whether the elements are something the CPU code handles: floats and
/// signless integers (bool included).
bool supportedElement(Type t);

/// Checks that every tensor operand and result of `op` is ranked with a
/// supported element type.
LogicalResult checkTypes(Operation *op);

/// The map reading `operand` (rank r) in a loop nest over a result of rank
/// n broadcast numpy-style: its dimension i is loop n - r + i, or 0 where it
/// is a static 1 against a larger result dimension.
AffineMap broadcastMap(MLIRContext *ctx, RankedTensorType operand,
                       RankedTensorType result);

/// The sizes of a broadcast result of `type` from `operands`: a dynamic
/// dimension is read from an operand whose aligned dimension is not 1.
FailureOr<SmallVector<OpFoldResult>> broadcastSizes(OpBuilder &b, Location loc,
                                                    Operation *op,
                                                    RankedTensorType type,
                                                    ValueRange operands);

/// A linalg.generic over a result of `type` (all loops parallel) reading
/// `operands` broadcast; `body` maps their elements to the result's.
FailureOr<Value>
broadcastGeneric(OpBuilder &b, Location loc, Operation *op,
                 RankedTensorType type, ValueRange operands,
                 function_ref<Value(OpBuilder &, Location, ValueRange)> body);

/// Converts a scalar between element types as ONNX's Cast does: float to
/// integer truncates toward zero, anything to bool is `!= 0`, bool to a
/// number is 0 or 1.
Value convertScalar(OpBuilder &b, Location loc, Value v, Type to);

/// The reassociation between a shape and the same shape with unit
/// dimensions inserted at `inserted` (positions in the larger one): each
/// kept dimension takes the inserted ones before it, the last one also
/// those after it.
SmallVector<ReassociationIndices> unitReassociation(int64_t largeRank,
                                                    ArrayRef<int64_t> inserted);

/// `value` with unit dimensions inserted at `inserted` to make `type`.
Value insertUnitDims(OpBuilder &b, Location loc, Value value,
                     RankedTensorType type, ArrayRef<int64_t> inserted);

/// A reduction of `input` over `axes` into a tensor of its shape without
/// them, in `acc`, starting from `init`; `rows` (shaped like the result)
/// are read at the element's position. `combine(x, rows, acc)`.
Value reduceAxes(
    OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes, Type acc,
    double init, ValueRange rows,
    function_ref<Value(OpBuilder &, Location, Value, ValueRange, Value)>
        combine);

/// The result of a reduction over `axes` (shaped without them, in `acc`)
/// as `type`: keepdims puts them back as unit dimensions.
Value finishReduction(OpBuilder &b, Location loc, Value reduced,
                      RankedTensorType type, ArrayRef<int64_t> axes,
                      bool keepDims);

} // namespace mlir::attic::onnx_lowering

#endif // ATTIC_CODEGEN_ONNX_COMMON_H
