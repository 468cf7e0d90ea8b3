//===- Reductions.cpp - Reductions to linalg
//--------------------------------===//
//
// ReduceSum, ReduceMean, ReduceMax, ReduceLogSumExp and ArgMax as reduction
// generics, accumulating in f32 at least; keepdims puts the reduced axes
// back as unit dimensions.
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

/// The axes a Reduce* op reduces, normalized and sorted; none for an
/// identity (empty axes with noop_with_empty_axes).
template <typename ReduceOp>
FailureOr<std::optional<SmallVector<int64_t>>> reducedAxes(ReduceOp op) {
  int64_t rank = ranked(op.getData()).getRank();
  SmallVector<int64_t> axes;
  if (!isNone(op.getAxes())) {
    std::optional<SmallVector<int64_t>> given =
        onnxir::constantInts(op.getAxes());
    if (!given)
      return op.emitOpError("cannot be compiled: its axes are not a constant");
    for (int64_t a : *given) {
      FailureOr<int64_t> axis = axisOf(op, a, rank);
      if (failed(axis))
        return failure();
      if (!llvm::is_contained(axes, *axis))
        axes.push_back(*axis);
    }
  }
  if (axes.empty()) {
    if (op.getNoopWithEmptyAxes() != 0)
      return std::optional<SmallVector<int64_t>>();
    axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  }
  llvm::sort(axes);
  return std::optional<SmallVector<int64_t>>(axes);
}

template <typename ReduceOp> Lowered lowerReduce(OpBuilder &b, ReduceOp op) {
  Location loc = op.getLoc();
  auto axesOr = reducedAxes(op);
  if (failed(axesOr))
    return failure();
  Value data = op.getData();
  auto type = cast<RankedTensorType>(op.getType());
  if (!*axesOr) {
    Value same = data;
    if (same.getType() != type)
      same = tensor::CastOp::create(b, loc, type, same);
    return SmallVector<Value>{same};
  }
  ArrayRef<int64_t> axes = **axesOr;
  Type elt = ranked(data).getElementType();
  bool isFloat = isa<FloatType>(elt);
  Type acc = isFloat ? Type(accumulatorType(elt)) : elt;
  bool keep = op.getKeepdims() != 0;
  auto add = [&](OpBuilder &nb, Location l, Value x, ValueRange,
                 Value a) -> Value {
    x = convertScalar(nb, l, x, acc);
    return isFloat ? Value(arith::AddFOp::create(nb, l, a, x))
                   : Value(arith::AddIOp::create(nb, l, a, x));
  };
  Value reduced;
  if constexpr (std::is_same_v<ReduceOp, onnxir::ReduceMaxOp>) {
    reduced = reduceAxes(
        b, loc, data, axes, acc, lowestOf(elt), {},
        [&](OpBuilder &nb, Location l, Value x, ValueRange, Value a) -> Value {
          x = convertScalar(nb, l, x, acc);
          return isFloat ? Value(arith::MaximumFOp::create(nb, l, a, x))
                         : Value(arith::MaxSIOp::create(nb, l, a, x));
        });
  } else if constexpr (std::is_same_v<ReduceOp, onnxir::ReduceLogSumExpOp>) {
    if (!isFloat)
      return op.emitOpError() << "cannot be compiled: it needs floating-point "
                                 "elements, got "
                              << elt;
    // max, then log(sum(exp(x - max))) + max with an infinite max taken as
    // 0 (a slice of -inf gives -inf, not NaN).
    Value max = reduceAxes(
        b, loc, data, axes, acc, -std::numeric_limits<double>::infinity(), {},
        [&](OpBuilder &nb, Location l, Value x, ValueRange, Value a) -> Value {
          return arith::MaximumFOp::create(nb, l, a, castFloat(nb, l, x, acc));
        });
    auto safe = [&](OpBuilder &nb, Location l, Value m) -> Value {
      Value inf = constF(nb, l, acc, std::numeric_limits<double>::infinity());
      Value isInf = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ,
                                          math::AbsFOp::create(nb, l, m), inf);
      return arith::SelectOp::create(nb, l, isInf, constF(nb, l, acc, 0.0), m);
    };
    Value sum =
        reduceAxes(b, loc, data, axes, acc, 0.0, max,
                   [&](OpBuilder &nb, Location l, Value x, ValueRange rows,
                       Value a) -> Value {
                     Value shifted = arith::SubFOp::create(
                         nb, l, castFloat(nb, l, x, acc), safe(nb, l, rows[0]));
                     return arith::AddFOp::create(
                         nb, l, a, math::ExpOp::create(nb, l, shifted));
                   });
    AffineMap id = b.getMultiDimIdentityMap(ranked(sum).getRank());
    reduced = parallelGeneric(
        b, loc, ValueRange{sum, max},
        emptyTensor(b, loc, getSizes(b, loc, sum), acc), {id, id, id},
        [&](OpBuilder &nb, Location l, ValueRange args) {
          linalg::YieldOp::create(
              nb, l,
              Value(arith::AddFOp::create(nb, l,
                                          math::LogOp::create(nb, l, args[0]),
                                          safe(nb, l, args[1]))));
        });
  } else {
    reduced = reduceAxes(b, loc, data, axes, acc, 0.0, {}, add);
    if constexpr (std::is_same_v<ReduceOp, onnxir::ReduceMeanOp>) {
      // Divided by the number of reduced elements.
      IndexMath im{b, loc};
      Value count = im.c(1);
      for (int64_t a : axes)
        count = arith::MulIOp::create(b, loc, count, im.dim(data, a));
      Value countI64 =
          arith::IndexCastOp::create(b, loc, b.getI64Type(), count);
      AffineMap id = b.getMultiDimIdentityMap(ranked(reduced).getRank());
      reduced = parallelGeneric(
          b, loc, reduced, emptyTensor(b, loc, getSizes(b, loc, reduced), acc),
          {id, id}, [&](OpBuilder &nb, Location l, ValueRange args) {
            Value n = convertScalar(nb, l, countI64, acc);
            linalg::YieldOp::create(
                nb, l,
                isFloat ? Value(arith::DivFOp::create(nb, l, args[0], n))
                        : Value(arith::DivSIOp::create(nb, l, args[0], n)));
          });
    }
  }
  return SmallVector<Value>{finishReduction(b, loc, reduced, type, axes, keep)};
}

/// ArgMax: the first index of the largest element (the last with
/// select_last_index), a NaN counting as the largest.
Lowered lowerArgMax(OpBuilder &b, onnxir::ArgMaxOp op) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  Value data = op.getData();
  RankedTensorType dataType = ranked(data);
  int64_t rank = dataType.getRank();
  FailureOr<int64_t> axis = axisOf(op, op.getAxis(), rank);
  if (failed(axis))
    return failure();
  Type elt = dataType.getElementType();
  bool isFloat = isa<FloatType>(elt);
  bool last = op.getSelectLastIndex() != 0;
  SmallVector<OpFoldResult> sizes = getSizes(b, loc, data), outSizes;
  SmallVector<AffineExpr> outExprs;
  SmallVector<IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    iterators.push_back(d == *axis ? IteratorType::reduction
                                   : IteratorType::parallel);
    if (d != *axis) {
      outSizes.push_back(sizes[d]);
      outExprs.push_back(getAffineDimExpr(d, ctx));
    }
  }
  AffineMap outMap = AffineMap::get(rank, 0, outExprs, ctx);
  Value best = filled(b, loc, outSizes, elt, lowestOf(elt));
  Value index = filled(b, loc, outSizes, b.getI64Type(), -1);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{best.getType(), index.getType()}, data,
      ValueRange{best, index}, {b.getMultiDimIdentityMap(rank), outMap, outMap},
      iterators, [&](OpBuilder &nb, Location l, ValueRange args) {
        Value x = args[0], m = args[1], i = args[2];
        Value at = arith::IndexCastOp::create(
            nb, l, nb.getI64Type(), linalg::IndexOp::create(nb, l, *axis));
        Value first =
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, i,
                                  arith::ConstantIntOp::create(nb, l, 0, 64));
        Value better;
        if (isFloat) {
          // A NaN wins over numbers; between NaNs the first (or last).
          Value xNan =
              arith::CmpFOp::create(nb, l, arith::CmpFPredicate::UNO, x, x);
          Value mNan =
              arith::CmpFOp::create(nb, l, arith::CmpFPredicate::UNO, m, m);
          Value cmp = arith::CmpFOp::create(nb, l,
                                            last ? arith::CmpFPredicate::OGE
                                                 : arith::CmpFPredicate::OGT,
                                            x, m);
          Value nanWins = arith::AndIOp::create(
              nb, l, xNan,
              last ? Value(arith::ConstantIntOp::create(nb, l, 1, 1))
                   : arith::XOrIOp::create(
                         nb, l, mNan, arith::ConstantIntOp::create(nb, l, 1, 1))
                         .getResult());
          Value numberWins = arith::AndIOp::create(
              nb, l, cmp,
              arith::XOrIOp::create(nb, l, mNan,
                                    arith::ConstantIntOp::create(nb, l, 1, 1)));
          better = arith::OrIOp::create(nb, l, nanWins, numberWins);
        } else {
          better = arith::CmpIOp::create(nb, l,
                                         last ? arith::CmpIPredicate::sge
                                              : arith::CmpIPredicate::sgt,
                                         x, m);
        }
        better = arith::OrIOp::create(nb, l, better, first);
        linalg::YieldOp::create(
            nb, l,
            ValueRange{arith::SelectOp::create(nb, l, better, x, m),
                       arith::SelectOp::create(nb, l, better, at, i)});
      });
  auto type = cast<RankedTensorType>(op.getType());
  return SmallVector<Value>{finishReduction(b, loc, generic.getResult(1), type,
                                            {*axis}, op.getKeepdims() != 0)};
}

} // namespace

std::optional<Lowered> onnx_lowering::lowerReductionOp(OpBuilder &b,
                                                       Operation *op) {
  using namespace onnxir;
  return TypeSwitch<Operation *, std::optional<Lowered>>(op)
      .Case([&](ReduceSumOp o) { return lowerReduce(b, o); })
      .Case([&](ReduceMeanOp o) { return lowerReduce(b, o); })
      .Case([&](ReduceMaxOp o) { return lowerReduce(b, o); })
      .Case([&](ReduceLogSumExpOp o) { return lowerReduce(b, o); })
      .Case([&](ArgMaxOp o) { return lowerArgMax(b, o); })
      .Default([](Operation *) { return std::nullopt; });
}
