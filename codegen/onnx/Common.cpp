//===- Common.cpp - Lowering onnx ops: shared helpers
//-----------------------===//
//
//===----------------------------------------------------------------------===//

#include "codegen/onnx/Common.h"
#include "codegen/reference/Builders.h"
#include "dialects/attic/AtticOps.h"
#include "dialects/onnx/ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

#include <limits>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::onnx_lowering;
using namespace mlir::attic::reference;
using utils::IteratorType;

/// The ranked type of `v`, or null.
Lowered onnx_lowering::resultAs(OpBuilder &b, Location loc, Value value,
                                Type type) {
  if (value.getType() != type)
    value = tensor::CastOp::create(b, loc, type, value);
  return SmallVector<Value>{value};
}

RankedTensorType onnx_lowering::ranked(Value v) {
  return dyn_cast<RankedTensorType>(v.getType());
}

bool onnx_lowering::isNone(Value v) { return !v || isa<NoneType>(v.getType()); }

/// A constant scalar of `type` (float, integer or i1).
Value onnx_lowering::scalarConstant(OpBuilder &b, Location loc, Type type,
                                    double value) {
  if (isa<FloatType>(type))
    return constF(b, loc, type, value);
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

/// A tensor of `sizes` filled with `value` as `type` (float or integer;
/// reference::filledTensor takes floats only).
Value onnx_lowering::filled(OpBuilder &b, Location loc,
                            ArrayRef<OpFoldResult> sizes, Type type,
                            double value) {
  return linalg::FillOp::create(b, loc, scalarConstant(b, loc, type, value),
                                emptyTensor(b, loc, sizes, type))
      .getResult(0);
}

/// Where a maximum starts: -inf, or the smallest signed integer.
double onnx_lowering::lowestOf(Type type) {
  if (isa<FloatType>(type))
    return -std::numeric_limits<double>::infinity();
  return static_cast<double>(
      APInt::getSignedMinValue(type.getIntOrFloatBitWidth()).getSExtValue());
}

/// `axis` of `op` normalized for `rank`, or failure after an error.
FailureOr<int64_t> onnx_lowering::axisOf(Operation *op, int64_t axis,
                                         int64_t rank) {
  if (std::optional<int64_t> normalized = onnxir::normalizeAxis(axis, rank))
    return *normalized;
  return op->emitOpError() << "cannot be compiled: axis " << axis
                           << " is out of range for rank " << rank;
}

/// Whether the elements are something the CPU code handles: floats and
/// signless integers (bool included).
bool onnx_lowering::supportedElement(Type t) {
  return isa<FloatType>(t) || t.isSignlessInteger();
}

/// Checks that every tensor operand and result of `op` is ranked with a
/// supported element type.
LogicalResult onnx_lowering::checkTypes(Operation *op) {
  for (Value v : llvm::concat<Value>(op->getOperands(), op->getResults())) {
    if (isa<NoneType>(v.getType()))
      continue;
    auto type = ranked(v);
    if (!type)
      return op->emitOpError()
             << "cannot be compiled: the shape of " << v.getType()
             << " is unknown (shape inference could not tell its rank)";
    if (!supportedElement(type.getElementType()))
      return op->emitOpError() << "cannot be compiled: element type "
                               << type.getElementType() << " is not supported";
  }
  return success();
}

/// The map reading `operand` (rank r) in a loop nest over a result of rank
/// n broadcast numpy-style: its dimension i is loop n - r + i, or 0 where it
/// is a static 1 against a larger result dimension.
AffineMap onnx_lowering::broadcastMap(MLIRContext *ctx,
                                      RankedTensorType operand,
                                      RankedTensorType result) {
  int64_t n = result.getRank(), r = operand.getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < r; ++i) {
    int64_t j = n - r + i;
    bool broadcast = operand.getDimSize(i) == 1 && result.getDimSize(j) != 1;
    exprs.push_back(broadcast ? getAffineConstantExpr(0, ctx)
                              : getAffineDimExpr(j, ctx));
  }
  return AffineMap::get(n, 0, exprs, ctx);
}

/// The sizes of a broadcast result of `type` from `operands`: a dynamic
/// dimension is read from an operand whose aligned dimension is not 1.
FailureOr<SmallVector<OpFoldResult>>
onnx_lowering::broadcastSizes(OpBuilder &b, Location loc, Operation *op,
                              RankedTensorType type, ValueRange operands) {
  SmallVector<OpFoldResult> sizes;
  int64_t n = type.getRank();
  for (int64_t j = 0; j < n; ++j) {
    if (!type.isDynamicDim(j)) {
      sizes.push_back(b.getIndexAttr(type.getDimSize(j)));
      continue;
    }
    Value source;
    int64_t at = 0;
    for (Value v : operands) {
      RankedTensorType t = ranked(v);
      int64_t i = j - (n - t.getRank());
      if (i >= 0 && t.getDimSize(i) != 1) {
        source = v;
        at = i;
        break;
      }
    }
    if (!source)
      return op->emitOpError()
             << "cannot be compiled: the size of result dimension " << j
             << " is dynamic and no operand gives it";
    sizes.push_back(tensor::DimOp::create(b, loc, source, at).getResult());
  }
  return sizes;
}

/// A linalg.generic over a result of `type` (all loops parallel) reading
/// `operands` broadcast; `body` maps their elements to the result's.
FailureOr<Value> onnx_lowering::broadcastGeneric(
    OpBuilder &b, Location loc, Operation *op, RankedTensorType type,
    ValueRange operands,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  FailureOr<SmallVector<OpFoldResult>> sizes =
      broadcastSizes(b, loc, op, type, operands);
  if (failed(sizes))
    return failure();
  for (Value v : operands)
    if (ranked(v).getRank() > type.getRank())
      return op->emitOpError()
             << "cannot be compiled: operand of rank " << ranked(v).getRank()
             << " for a result of rank " << type.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value v : operands)
    maps.push_back(broadcastMap(ctx, ranked(v), type));
  maps.push_back(b.getMultiDimIdentityMap(type.getRank()));
  Value init = emptyTensor(b, loc, *sizes, type.getElementType());
  return parallelGeneric(b, loc, operands, init, maps,
                         [&](OpBuilder &nb, Location l, ValueRange args) {
                           linalg::YieldOp::create(
                               nb, l, body(nb, l, args.drop_back()));
                         });
}

/// Converts a scalar between element types as ONNX's Cast does: float to
/// integer truncates toward zero, anything to bool is `!= 0`, bool to a
/// number is 0 or 1.
Value onnx_lowering::convertScalar(OpBuilder &b, Location loc, Value v,
                                   Type to) {
  Type from = v.getType();
  if (from == to)
    return v;
  if (to.isInteger(1)) {
    Value zero = scalarConstant(b, loc, from, 0.0);
    if (isa<FloatType>(from))
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v, zero);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v, zero);
  }
  if (isa<FloatType>(from) && isa<FloatType>(to))
    return castFloat(b, loc, v, to);
  if (isa<FloatType>(to))
    return from.isInteger(1) ? Value(arith::UIToFPOp::create(b, loc, to, v))
                             : Value(arith::SIToFPOp::create(b, loc, to, v));
  if (isa<FloatType>(from))
    return arith::FPToSIOp::create(b, loc, to, v);
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (toWidth < fromWidth)
    return arith::TruncIOp::create(b, loc, to, v);
  return from.isInteger(1) ? Value(arith::ExtUIOp::create(b, loc, to, v))
                           : Value(arith::ExtSIOp::create(b, loc, to, v));
}

/// The reassociation between a shape and the same shape with unit
/// dimensions inserted at `inserted` (positions in the larger one): each
/// kept dimension takes the inserted ones before it, the last one also
/// those after it.
SmallVector<ReassociationIndices>
onnx_lowering::unitReassociation(int64_t largeRank,
                                 ArrayRef<int64_t> inserted) {
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices current;
  for (int64_t d = 0; d < largeRank; ++d) {
    current.push_back(d);
    if (!llvm::is_contained(inserted, d)) {
      groups.push_back(current);
      current.clear();
    }
  }
  if (!current.empty() && !groups.empty())
    groups.back().append(current.begin(), current.end());
  return groups;
}

/// `value` with unit dimensions inserted at `inserted` to make `type`.
Value onnx_lowering::insertUnitDims(OpBuilder &b, Location loc, Value value,
                                    RankedTensorType type,
                                    ArrayRef<int64_t> inserted) {
  if (ranked(value).getRank() == type.getRank())
    return value;
  return tensor::ExpandShapeOp::create(
      b, loc, type, value, unitReassociation(type.getRank(), inserted));
}

/// A reduction of `input` over `axes` into a tensor of its shape without
/// them, in `acc`, starting from `init`; `rows` (shaped like the result)
/// are read at the element's position. `combine(x, rows, acc)`.
Value onnx_lowering::reduceAxes(
    OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes, Type acc,
    double init, ValueRange rows,
    function_ref<Value(OpBuilder &, Location, Value, ValueRange, Value)>
        combine) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = ranked(input).getRank();
  SmallVector<OpFoldResult> inSizes = getSizes(b, loc, input), outSizes;
  SmallVector<AffineExpr> outExprs;
  SmallVector<IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    bool reduced = llvm::is_contained(axes, d);
    iterators.push_back(reduced ? IteratorType::reduction
                                : IteratorType::parallel);
    if (!reduced) {
      outSizes.push_back(inSizes[d]);
      outExprs.push_back(getAffineDimExpr(d, ctx));
    }
  }
  AffineMap outMap = AffineMap::get(rank, 0, outExprs, ctx);
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
  maps.append(rows.size() + 1, outMap);
  Value start = filled(b, loc, outSizes, acc, init);
  SmallVector<Value> inputs = {input};
  inputs.append(rows.begin(), rows.end());
  return linalg::GenericOp::create(
             b, loc, start.getType(), inputs, start, maps, iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l,
                                       combine(nb, l, args.front(),
                                               args.slice(1, rows.size()),
                                               args.back()));
             })
      .getResult(0);
}

/// The result of a reduction over `axes` (shaped without them, in `acc`)
/// as `type`: keepdims puts them back as unit dimensions.
Value onnx_lowering::finishReduction(OpBuilder &b, Location loc, Value reduced,
                                     RankedTensorType type,
                                     ArrayRef<int64_t> axes, bool keepDims) {
  auto reducedType = ranked(reduced);
  Value cast = castTensor(
      b, loc, reduced,
      RankedTensorType::get(reducedType.getShape(), type.getElementType()));
  if (keepDims)
    cast = insertUnitDims(b, loc, cast,
                          RankedTensorType::get(
                              [&] {
                                SmallVector<int64_t> shape;
                                int64_t r = 0;
                                for (int64_t d = 0; d < type.getRank(); ++d)
                                  shape.push_back(
                                      llvm::is_contained(axes, d)
                                          ? 1
                                          : reducedType.getDimSize(r++));
                                return shape;
                              }(),
                              type.getElementType()),
                          axes);
  if (cast.getType() != type)
    cast = tensor::CastOp::create(b, loc, type, cast);
  return cast;
}
