//===- Normalization.cpp - Normalizations to linalg and attic
//---------------===//
//
// LayerNormalization as its mean and variance reductions and a map;
// Softmax and LogSoftmax as attic.softmax and attic.log_softmax, which the
// reference lowering or a form computes.
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

namespace {

/// LayerNormalization over dimensions axis.. in the accumulator type: the
/// mean, the variance of x - mean, then (x - mean) / sqrt(var + eps) *
/// Scale + B; Mean and InvStdDev keep the normalized dimensions as 1.
Lowered lowerLayerNorm(OpBuilder &b, onnxir::LayerNormalizationOp op) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  Value x = op.getX();
  RankedTensorType xType = ranked(x);
  int64_t rank = xType.getRank();
  FailureOr<int64_t> axis = axisOf(op, op.getAxis(), rank);
  if (failed(axis))
    return failure();
  Type elt = xType.getElementType();
  if (!isa<FloatType>(elt))
    return op.emitOpError("cannot be compiled: it needs floating-point "
                          "elements");
  Type acc = accumulatorType(elt);
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(*axis, rank));
  IndexMath im{b, loc};
  Value count = im.c(1);
  for (int64_t a : axes)
    count = arith::MulIOp::create(b, loc, count, im.dim(x, a));
  Value countF = arith::SIToFPOp::create(
      b, loc, acc, arith::IndexCastOp::create(b, loc, b.getI64Type(), count));
  auto sum = [&](OpBuilder &nb, Location l, Value v, ValueRange,
                 Value a) -> Value {
    return arith::AddFOp::create(nb, l, a, castFloat(nb, l, v, acc));
  };
  Value total = reduceAxes(b, loc, x, axes, acc, 0.0, {}, sum);
  AffineMap rowId = b.getMultiDimIdentityMap(*axis);
  Value mean = parallelGeneric(
      b, loc, total, emptyTensor(b, loc, getSizes(b, loc, total), acc),
      {rowId, rowId}, [&](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(
            nb, l, Value(arith::DivFOp::create(nb, l, args[0], countF)));
      });
  Value squares = reduceAxes(
      b, loc, x, axes, acc, 0.0, mean,
      [&](OpBuilder &nb, Location l, Value v, ValueRange rows,
          Value a) -> Value {
        Value d =
            arith::SubFOp::create(nb, l, castFloat(nb, l, v, acc), rows[0]);
        return arith::AddFOp::create(nb, l, a,
                                     arith::MulFOp::create(nb, l, d, d));
      });
  double eps = op.getEpsilon().convertToDouble();
  Value invStd = parallelGeneric(
      b, loc, squares, emptyTensor(b, loc, getSizes(b, loc, squares), acc),
      {rowId, rowId}, [&](OpBuilder &nb, Location l, ValueRange args) {
        Value var = arith::DivFOp::create(nb, l, args[0], countF);
        linalg::YieldOp::create(
            nb, l,
            Value(math::RsqrtOp::create(
                nb, l,
                arith::AddFOp::create(nb, l, var, constF(nb, l, acc, eps)))));
      });
  // Y over x's shape: rows read at the leading dimensions, Scale and B
  // broadcast against the normalized ones.
  SmallVector<AffineExpr> rowExprs;
  for (int64_t d = 0; d < *axis; ++d)
    rowExprs.push_back(getAffineDimExpr(d, ctx));
  AffineMap rowMap = AffineMap::get(rank, 0, rowExprs, ctx);
  auto yType = cast<RankedTensorType>(op.getY().getType());
  SmallVector<Value> inputs = {x, mean, invStd, op.getScale()};
  SmallVector<AffineMap> maps = {
      b.getMultiDimIdentityMap(rank), rowMap, rowMap,
      broadcastMap(ctx, ranked(op.getScale()), xType)};
  bool hasBias = !isNone(op.getB());
  if (hasBias) {
    inputs.push_back(op.getB());
    maps.push_back(broadcastMap(ctx, ranked(op.getB()), xType));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value y = parallelGeneric(
      b, loc, inputs,
      emptyTensor(b, loc, getSizes(b, loc, x), yType.getElementType()), maps,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value v = arith::SubFOp::create(nb, l, castFloat(nb, l, args[0], acc),
                                        args[1]);
        v = arith::MulFOp::create(nb, l, v, args[2]);
        v = arith::MulFOp::create(nb, l, v, castFloat(nb, l, args[3], acc));
        if (hasBias)
          v = arith::AddFOp::create(nb, l, v, castFloat(nb, l, args[4], acc));
        linalg::YieldOp::create(nb, l,
                                castFloat(nb, l, v, yType.getElementType()));
      });
  if (y.getType() != yType)
    y = tensor::CastOp::create(b, loc, yType, y);
  SmallVector<Value> results = {y};
  for (auto [stat, result] :
       llvm::zip(ArrayRef<Value>{mean, invStd},
                 ArrayRef<Value>{op.getMean(), op.getInvStdDev()})) {
    if (isNone(result)) {
      results.push_back(Value()); // An absent output has no uses.
      continue;
    }
    results.push_back(finishReduction(
        b, loc, stat, cast<RankedTensorType>(result.getType()), axes, true));
  }
  return results;
}

/// Softmax and LogSoftmax become the attic ops, which the reference
/// lowering or a form computes.
template <typename AtticOp, typename OnnxOp>
Lowered lowerSoftmax(OpBuilder &b, OnnxOp op) {
  Location loc = op.getLoc();
  Value input = op.getInput();
  if (!isa<FloatType>(ranked(input).getElementType()))
    return op.emitOpError("cannot be compiled: it needs floating-point "
                          "elements");
  FailureOr<int64_t> axis = axisOf(op, op.getAxis(), ranked(input).getRank());
  if (failed(axis))
    return failure();
  Value result = AtticOp::create(b, loc, input.getType(), input,
                                 b.getI64IntegerAttr(*axis));
  return resultAs(b, loc, result, op.getType());
}

} // namespace

std::optional<Lowered> onnx_lowering::lowerNormalizationOp(OpBuilder &b,
                                                           Operation *op) {
  using namespace onnxir;
  return TypeSwitch<Operation *, std::optional<Lowered>>(op)
      .Case([&](LayerNormalizationOp o) { return lowerLayerNorm(b, o); })
      .Case([&](onnxir::SoftmaxOp o) {
        return lowerSoftmax<attic::SoftmaxOp>(b, o);
      })
      .Case([&](onnxir::LogSoftmaxOp o) {
        return lowerSoftmax<attic::LogSoftmaxOp>(b, o);
      })
      .Default([](Operation *) { return std::nullopt; });
}
