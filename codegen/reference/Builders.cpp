//===- Builders.cpp - IR building helpers of the reference lowering -------===//

#include "codegen/reference/Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::reference;

FloatType reference::accumulatorType(Type elementType) {
  auto type = cast<FloatType>(elementType);
  return type.getWidth() >= 32 ? type : Float32Type::get(type.getContext());
}

Value reference::castFloat(OpBuilder &b, Location loc, Value value, Type type) {
  Type from = value.getType();
  if (from == type)
    return value;
  unsigned fromWidth = cast<FloatType>(from).getWidth();
  unsigned toWidth = cast<FloatType>(type).getWidth();
  if (fromWidth < toWidth)
    return arith::ExtFOp::create(b, loc, type, value);
  if (fromWidth > toWidth)
    return arith::TruncFOp::create(b, loc, type, value);
  // Same width, different format (f16 <-> bf16): go through f32.
  Value wide = arith::ExtFOp::create(b, loc, b.getF32Type(), value);
  return arith::TruncFOp::create(b, loc, type, wide);
}

Value reference::constF(OpBuilder &b, Location loc, Type type, double value) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
}

Value reference::toI64(OpBuilder &b, Location loc, Value value) {
  Type i64 = b.getI64Type();
  Type type = value.getType();
  if (type.isIndex())
    return arith::IndexCastOp::create(b, loc, i64, value);
  if (type == i64)
    return value;
  if (type.getIntOrFloatBitWidth() < 64)
    return arith::ExtSIOp::create(b, loc, i64, value);
  return arith::TruncIOp::create(b, loc, i64, value);
}

SmallVector<OpFoldResult> reference::getSizes(OpBuilder &b, Location loc,
                                              Value tensor) {
  return tensor::getMixedSizes(b, loc, tensor);
}

Value reference::emptyTensor(OpBuilder &b, Location loc,
                             ArrayRef<OpFoldResult> sizes, Type elementType) {
  return tensor::EmptyOp::create(b, loc, sizes, elementType);
}

Value reference::filledTensor(OpBuilder &b, Location loc,
                              ArrayRef<OpFoldResult> sizes, Type elementType,
                              double value) {
  Value scalar =
      arith::ConstantOp::create(b, loc, b.getFloatAttr(elementType, value));
  Value empty = emptyTensor(b, loc, sizes, elementType);
  return linalg::FillOp::create(b, loc, scalar, empty).getResult(0);
}

Value reference::parallelGeneric(
    OpBuilder &b, Location loc, ValueRange inputs, Value init,
    ArrayRef<AffineMap> maps,
    function_ref<void(OpBuilder &, Location, ValueRange)> body) {
  int64_t rank = cast<RankedTensorType>(init.getType()).getRank();
  return linalg::GenericOp::create(b, loc, init.getType(), inputs, init, maps,
                                   SmallVector<utils::IteratorType>(
                                       rank, utils::IteratorType::parallel),
                                   body)
      .getResult(0);
}

Value reference::castTensor(OpBuilder &b, Location loc, Value value,
                            RankedTensorType type) {
  auto valueType = cast<RankedTensorType>(value.getType());
  Type elt = type.getElementType();
  if (valueType.getElementType() != elt) {
    AffineMap id = b.getMultiDimIdentityMap(valueType.getRank());
    value = parallelGeneric(
        b, loc, value, emptyTensor(b, loc, getSizes(b, loc, value), elt),
        {id, id}, [&](OpBuilder &nb, Location l, ValueRange args) {
          linalg::YieldOp::create(nb, l, castFloat(nb, l, args[0], elt));
        });
  }
  if (value.getType() != type)
    value = tensor::CastOp::create(b, loc, type, value);
  return value;
}

/// Offsets, sizes and strides of the unit slice of `tensor` at `position`
/// along `axis`.
static void unitSlice(OpBuilder &b, Location loc, Value tensor, int64_t axis,
                      OpFoldResult position,
                      SmallVectorImpl<OpFoldResult> &offsets,
                      SmallVectorImpl<OpFoldResult> &sizes,
                      SmallVectorImpl<OpFoldResult> &strides) {
  sizes = getSizes(b, loc, tensor);
  offsets.assign(sizes.size(), b.getIndexAttr(0));
  strides.assign(sizes.size(), b.getIndexAttr(1));
  offsets[axis] = position;
  sizes[axis] = b.getIndexAttr(1);
}

Value reference::extractUnitSlice(OpBuilder &b, Location loc, Value tensor,
                                  int64_t axis, OpFoldResult position) {
  SmallVector<OpFoldResult> offsets, sizes, strides;
  unitSlice(b, loc, tensor, axis, position, offsets, sizes, strides);
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] = 1;
  return tensor::ExtractSliceOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), tensor,
      offsets, sizes, strides);
}

Value reference::insertUnitSlice(OpBuilder &b, Location loc, Value slice,
                                 Value dest, int64_t axis,
                                 OpFoldResult position) {
  SmallVector<OpFoldResult> offsets, sizes, strides;
  unitSlice(b, loc, dest, axis, position, offsets, sizes, strides);
  return tensor::InsertSliceOp::create(b, loc, slice, dest, offsets, sizes,
                                       strides);
}

Value reference::zeroNegInfMax(OpBuilder &b, Location loc, Value rawMax) {
  auto type = cast<RankedTensorType>(rawMax.getType());
  Type acc = type.getElementType();
  AffineMap identity = b.getMultiDimIdentityMap(type.getRank());
  // An all -inf row keeps max = 0 so that x - max stays -inf, not NaN.
  return parallelGeneric(
      b, loc, rawMax, emptyTensor(b, loc, getSizes(b, loc, rawMax), acc),
      {identity, identity}, [&](OpBuilder &nb, Location l, ValueRange args) {
        Value inf =
            constF(nb, l, acc, -std::numeric_limits<double>::infinity());
        Value isInf = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ,
                                            args[0], inf);
        linalg::YieldOp::create(
            nb, l,
            Value(arith::SelectOp::create(nb, l, isInf, constF(nb, l, acc, 0.0),
                                          args[0])));
      });
}

RowStats reference::buildRowStats(OpBuilder &b, Location loc, Value input,
                                  int64_t axis) {
  // Pass 1: the row maximum.
  Value rawMax = reduceAxis(
      b, loc, input, axis, {}, {-std::numeric_limits<double>::infinity()},
      [](OpBuilder &nb, Location l, Value x, ValueRange,
         ValueRange accs) -> SmallVector<Value> {
        return {arith::MaximumFOp::create(nb, l, x, accs[0])};
      })[0];
  Value max = zeroNegInfMax(b, loc, rawMax);

  // Pass 2: the sum of exponentials.
  Value sum = reduceAxis(b, loc, input, axis, max, {0.0},
                         [](OpBuilder &nb, Location l, Value x, ValueRange row,
                            ValueRange accs) -> SmallVector<Value> {
                           Value e = math::ExpOp::create(
                               nb, l, arith::SubFOp::create(nb, l, x, row[0]));
                           return {arith::AddFOp::create(nb, l, accs[0], e)};
                         })[0];
  return {max, sum};
}

Value reference::mapRows(OpBuilder &b, Location loc, Value input, int64_t axis,
                         ValueRange rows, RowFn fn) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  FloatType acc = accumulatorType(type.getElementType());
  AffineMap all = b.getMultiDimIdentityMap(rank);
  SmallVector<Value> inputs = {input};
  llvm::append_range(inputs, rows);
  SmallVector<AffineMap> maps = {all};
  maps.append(rows.size(), all.dropResult(axis));
  maps.push_back(all);
  Value init =
      emptyTensor(b, loc, getSizes(b, loc, input), type.getElementType());
  return parallelGeneric(b, loc, inputs, init, maps,
                         [&](OpBuilder &nb, Location l, ValueRange args) {
                           Value x = castFloat(nb, l, args[0], acc);
                           Value r = fn(nb, l, x, args.slice(1, rows.size()));
                           linalg::YieldOp::create(
                               nb, l,
                               castFloat(nb, l, r, type.getElementType()));
                         });
}

Value reference::mapToRows(OpBuilder &b, Location loc, Value input,
                           int64_t axis, bool keepDim,
                           RankedTensorType resultType, ValueRange rows,
                           RowFn fn) {
  // Iterate over the result; with keep_dim its unit axis is not a row index.
  int64_t rank = resultType.getRank();
  AffineMap out = b.getMultiDimIdentityMap(rank);
  AffineMap row = keepDim ? out.dropResult(axis) : out;
  SmallVector<OpFoldResult> sizes = getSizes(b, loc, input);
  if (keepDim)
    sizes[axis] = b.getIndexAttr(1);
  else
    sizes.erase(sizes.begin() + axis);
  Value init = emptyTensor(b, loc, sizes, resultType.getElementType());
  SmallVector<AffineMap> maps(rows.size(), row);
  maps.push_back(out);
  // The init may know more static sizes than the declared result type (the
  // kept axis is 1); compute in its type and cast at the end.
  Value result = parallelGeneric(
      b, loc, rows, init, maps,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value r = fn(nb, l, Value(), args.take_front(rows.size()));
        linalg::YieldOp::create(
            nb, l, castFloat(nb, l, r, resultType.getElementType()));
      });
  return castTensor(b, loc, result, resultType);
}

Value reference::selectNonEmpty(OpBuilder &b, Location loc, Value sum,
                                Value value, double ifEmpty) {
  Type type = sum.getType();
  Value zero = constF(b, loc, type, 0.0);
  Value empty = constF(b, loc, type, ifEmpty);
  Value isEmpty =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, sum, zero);
  return arith::SelectOp::create(b, loc, isEmpty, empty, value);
}

Value reference::softmaxFromStats(OpBuilder &b, Location loc, SoftmaxKind kind,
                                  Value input, int64_t axis, bool keepDim,
                                  RankedTensorType resultType,
                                  const RowStats &stats) {
  double negInf = -std::numeric_limits<double>::infinity();
  switch (kind) {
  case SoftmaxKind::softmax:
    return mapRows(b, loc, input, axis, {stats.max, stats.sum},
                   [](OpBuilder &nb, Location l, Value x, ValueRange row) {
                     Value shifted = arith::SubFOp::create(nb, l, x, row[0]);
                     Value e = math::ExpOp::create(nb, l, shifted);
                     Value p = arith::DivFOp::create(nb, l, e, row[1]);
                     return selectNonEmpty(nb, l, row[1], p, 0.0);
                   });
  case SoftmaxKind::log_softmax:
    return mapRows(b, loc, input, axis, {stats.max, stats.sum},
                   [&](OpBuilder &nb, Location l, Value x, ValueRange row) {
                     Value shifted = arith::SubFOp::create(nb, l, x, row[0]);
                     Value logSum = math::LogOp::create(nb, l, row[1]);
                     Value r = arith::SubFOp::create(nb, l, shifted, logSum);
                     return selectNonEmpty(nb, l, row[1], r, negInf);
                   });
  case SoftmaxKind::logsumexp:
    return mapToRows(
        b, loc, input, axis, keepDim, resultType, {stats.max, stats.sum},
        [](OpBuilder &nb, Location l, Value, ValueRange row) {
          Value logSum = math::LogOp::create(nb, l, row[1]);
          return Value(arith::AddFOp::create(nb, l, row[0], logSum));
        });
  }
  llvm_unreachable("unknown softmax kind");
}

Value IndexMath::c(int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}
Value IndexMath::add(Value x, Value y) {
  return arith::AddIOp::create(b, loc, x, y);
}
Value IndexMath::sub(Value x, Value y) {
  return arith::SubIOp::create(b, loc, x, y);
}
Value IndexMath::mul(Value x, Value y) {
  return arith::MulIOp::create(b, loc, x, y);
}
Value IndexMath::min(Value x, Value y) {
  return arith::MinSIOp::create(b, loc, x, y);
}
Value IndexMath::max(Value x, Value y) {
  return arith::MaxSIOp::create(b, loc, x, y);
}
Value IndexMath::div(Value x, Value y) {
  return arith::DivUIOp::create(b, loc, x, y);
}
Value IndexMath::lt(Value x, Value y) {
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, y);
}
Value IndexMath::dim(Value tensor, int64_t d) {
  return tensor::DimOp::create(b, loc, tensor, d);
}
Value IndexMath::tileSize(Value block, Value bound, Value at) {
  return min(block, sub(bound, at));
}

Value reference::reduceInnermost(
    OpBuilder &b, Location loc, Value input, Value init,
    function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
  AffineMap all = b.getMultiDimIdentityMap(rank);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators.back() = utils::IteratorType::reduction;
  return linalg::GenericOp::create(
             b, loc, init.getType(), input, init,
             {all, all.dropResult(rank - 1)}, iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, combine(nb, l, args[0], args[1]));
             })
      .getResult(0);
}

Value reference::subtractSafeMax(OpBuilder &b, Location loc, Value x, Value m) {
  Type type = m.getType();
  Value isInf = arith::CmpFOp::create(
      b, loc, arith::CmpFPredicate::OEQ, m,
      constF(b, loc, type, -std::numeric_limits<double>::infinity()));
  Value safe =
      arith::SelectOp::create(b, loc, isInf, constF(b, loc, type, 0.0), m);
  return arith::SubFOp::create(b, loc, x, safe);
}

RunningMax reference::updateRunningMax(OpBuilder &b, Location loc, Value max,
                                       Value blockMax) {
  auto type = cast<RankedTensorType>(max.getType());
  AffineMap id = b.getMultiDimIdentityMap(type.getRank());
  Value init =
      emptyTensor(b, loc, getSizes(b, loc, max), type.getElementType());
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type, type}, ValueRange{max, blockMax},
      ValueRange{init, init}, {id, id, id, id},
      SmallVector<utils::IteratorType>(type.getRank(),
                                       utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value newMax = arith::MaximumFOp::create(nb, l, args[0], args[1]);
        Value alpha =
            math::ExpOp::create(nb, l, subtractSafeMax(nb, l, args[0], newMax));
        linalg::YieldOp::create(nb, l, ValueRange{newMax, alpha});
      });
  return {generic.getResult(0), generic.getResult(1)};
}

Value reference::contract(OpBuilder &b, Location loc, Value lhs, Value rhs,
                          Value init, ArrayRef<AffineMap> maps,
                          ArrayRef<utils::IteratorType> iterators) {
  Type acc = cast<RankedTensorType>(init.getType()).getElementType();
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{lhs, rhs}, init, maps,
             iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value prod =
                   arith::MulFOp::create(nb, l, castFloat(nb, l, args[0], acc),
                                         castFloat(nb, l, args[1], acc));
               linalg::YieldOp::create(
                   nb, l, Value(arith::AddFOp::create(nb, l, args[2], prod)));
             })
      .getResult(0);
}

SmallVector<Value> reference::reduceAxis(
    OpBuilder &b, Location loc, Value input, int64_t axis, ValueRange rows,
    ArrayRef<double> inits,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange,
                                    ValueRange)>
        body) {
  auto type = cast<RankedTensorType>(input.getType());
  FloatType acc = accumulatorType(type.getElementType());
  SmallVector<OpFoldResult> rowSizes = getSizes(b, loc, input);
  rowSizes.erase(rowSizes.begin() + axis);
  SmallVector<Value> outs;
  for (double init : inits)
    outs.push_back(filledTensor(b, loc, rowSizes, acc, init));
  return reduceAxisInto(b, loc, input, axis, rows, outs, body);
}

SmallVector<Value> reference::reduceAxisInto(
    OpBuilder &b, Location loc, Value input, int64_t axis, ValueRange rows,
    ValueRange outs,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange,
                                    ValueRange)>
        body) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  FloatType acc = accumulatorType(type.getElementType());
  AffineMap all = b.getMultiDimIdentityMap(rank);
  AffineMap row = all.dropResult(axis);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators[axis] = utils::IteratorType::reduction;
  SmallVector<Value> inputs = {input};
  llvm::append_range(inputs, rows);
  SmallVector<AffineMap> maps = {all};
  maps.append(rows.size() + outs.size(), row);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange(outs), inputs, outs, maps, iterators,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value x = castFloat(nb, l, args[0], acc);
        linalg::YieldOp::create(nb, l,
                                body(nb, l, x, args.slice(1, rows.size()),
                                     args.take_back(outs.size())));
      });
  return SmallVector<Value>(generic.getResults());
}
