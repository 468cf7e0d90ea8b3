//===- Softmax.cpp - Reference lowering of the softmax family -------------===//
//
// softmax, log_softmax and logsumexp as a three-pass stable softmax: the row
// maximum, the sum of exponentials, then one elementwise pass.
//
//===----------------------------------------------------------------------===//

#include "codegen/reference/Builders.h"
#include "codegen/reference/Reference.h"
#include "dialects/attic/AtticOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

#include <limits>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::reference;

namespace {

/// Computes f(x - max, sum) for every element of the rows of `input`, as
/// `input`'s element type. `f` works in the accumulator type.
using RowFn =
    function_ref<Value(OpBuilder &, Location, Value shifted, Value sum)>;

Value mapRows(OpBuilder &b, Location loc, Value input, int64_t axis,
              const RowStats &stats, RowFn fn) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  FloatType acc = accumulatorType(type.getElementType());
  AffineMap all = b.getMultiDimIdentityMap(rank);
  AffineMap row = all.dropResult(axis);
  Value init =
      emptyTensor(b, loc, getSizes(b, loc, input), type.getElementType());
  return parallelGeneric(
      b, loc, ValueRange{input, stats.max, stats.sum}, init,
      {all, row, row, all}, [&](OpBuilder &nb, Location l, ValueRange args) {
        Value x = castFloat(nb, l, args[0], acc);
        Value shifted = arith::SubFOp::create(nb, l, x, args[1]);
        Value r = fn(nb, l, shifted, args[2]);
        linalg::YieldOp::create(nb, l,
                                castFloat(nb, l, r, type.getElementType()));
      });
}

/// `sum == 0` (an all -inf row) selects `ifEmpty`, else `value`.
Value selectNonEmpty(OpBuilder &b, Location loc, Value sum, Value value,
                     double ifEmpty) {
  Type type = sum.getType();
  Value zero = arith::ConstantOp::create(b, loc, b.getFloatAttr(type, 0.0));
  Value empty =
      arith::ConstantOp::create(b, loc, b.getFloatAttr(type, ifEmpty));
  Value isEmpty =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, sum, zero);
  return arith::SelectOp::create(b, loc, isEmpty, empty, value);
}

struct LowerSoftmax final : OpRewritePattern<SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    int64_t axis = op.getAxisIndex();
    RowStats stats = buildRowStats(rewriter, op.getLoc(), op.getInput(), axis);
    rewriter.replaceOp(
        op, mapRows(rewriter, op.getLoc(), op.getInput(), axis, stats,
                    [](OpBuilder &b, Location l, Value shifted, Value sum) {
                      Value e = math::ExpOp::create(b, l, shifted);
                      Value p = arith::DivFOp::create(b, l, e, sum);
                      return selectNonEmpty(b, l, sum, p, 0.0);
                    }));
    return success();
  }
};

struct LowerLogSoftmax final : OpRewritePattern<LogSoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LogSoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    int64_t axis = op.getAxisIndex();
    RowStats stats = buildRowStats(rewriter, op.getLoc(), op.getInput(), axis);
    rewriter.replaceOp(
        op, mapRows(rewriter, op.getLoc(), op.getInput(), axis, stats,
                    [](OpBuilder &b, Location l, Value shifted, Value sum) {
                      Value logSum = math::LogOp::create(b, l, sum);
                      Value r = arith::SubFOp::create(b, l, shifted, logSum);
                      return selectNonEmpty(
                          b, l, sum, r,
                          -std::numeric_limits<double>::infinity());
                    }));
    return success();
  }
};

struct LowerLogSumExp final : OpRewritePattern<LogSumExpOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LogSumExpOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t axis = op.getAxisIndex();
    RowStats stats = buildRowStats(rewriter, loc, op.getInput(), axis);
    // Iterate over the result; with keep_dim its unit axis is not a row index.
    RankedTensorType resultType = op.getType();
    int64_t rank = resultType.getRank();
    AffineMap out = rewriter.getMultiDimIdentityMap(rank);
    AffineMap row = op.getKeepDim() ? out.dropResult(axis) : out;
    SmallVector<OpFoldResult> sizes = getSizes(rewriter, loc, op.getInput());
    if (op.getKeepDim())
      sizes[axis] = rewriter.getIndexAttr(1);
    else
      sizes.erase(sizes.begin() + axis);
    Value init = emptyTensor(rewriter, loc, sizes, resultType.getElementType());
    // The init may know more static sizes than the declared result type (the
    // kept axis is 1); compute in its type and cast at the end.
    Value lse = parallelGeneric(
        rewriter, loc, ValueRange{stats.max, stats.sum}, init, {row, row, out},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value logSum = math::LogOp::create(b, l, args[1]);
          Value r = arith::AddFOp::create(b, l, args[0], logSum);
          linalg::YieldOp::create(
              b, l, castFloat(b, l, r, resultType.getElementType()));
        });
    rewriter.replaceOp(op, castTensor(rewriter, loc, lse, resultType));
    return success();
  }
};

} // namespace

void mlir::attic::populateSoftmaxReferencePatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerSoftmax, LowerLogSoftmax, LowerLogSumExp>(
      patterns.getContext());
}
