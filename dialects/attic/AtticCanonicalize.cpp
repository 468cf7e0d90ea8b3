//===- AtticCanonicalize.cpp - Exact canonicalizations --------------------===//
//
// Rewrites that are exact and never make the IR slower:
//   log(softmax(x))      -> log_softmax(x)
//   exp(log_softmax(x))  -> softmax(x)
//   softmax over an axis of size 1     -> ones
//   log_softmax over an axis of size 1 -> zeros
//   logsumexp over an axis of size 1   -> the input without that axis
//   nll_loss(log_softmax(x, 1))        -> cross_entropy(x)
// Negative axes are normalized by the ops' folders.
//
//===----------------------------------------------------------------------===//

#include "dialects/attic/AtticOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::attic;

namespace {

/// log(softmax(x)) -> log_softmax(x): the direct form does not lose the
/// small probabilities that softmax rounds to zero.
struct LogOfSoftmax final : OpRewritePattern<math::LogOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::LogOp op,
                                PatternRewriter &rewriter) const override {
    auto softmax = op.getOperand().getDefiningOp<SoftmaxOp>();
    if (!softmax)
      return failure();
    rewriter.replaceOpWithNewOp<LogSoftmaxOp>(op, softmax.getInput(),
                                              softmax.getAxisIndex());
    return success();
  }
};

/// exp(log_softmax(x)) -> softmax(x).
struct ExpOfLogSoftmax final : OpRewritePattern<math::ExpOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::ExpOp op,
                                PatternRewriter &rewriter) const override {
    auto logSoftmax = op.getOperand().getDefiningOp<LogSoftmaxOp>();
    if (!logSoftmax)
      return failure();
    rewriter.replaceOpWithNewOp<SoftmaxOp>(op, logSoftmax.getInput(),
                                           logSoftmax.getAxisIndex());
    return success();
  }
};

/// Dynamic sizes of `value` as the operands tensor.splat/tensor.empty take.
SmallVector<Value> dynamicSizes(PatternRewriter &rewriter, Location loc,
                                Value value) {
  SmallVector<Value> sizes;
  auto type = cast<RankedTensorType>(value.getType());
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      sizes.push_back(tensor::DimOp::create(rewriter, loc, value, i));
  return sizes;
}

/// A softmax (log_softmax) over one element is 1 (0) for every finite input.
template <typename OpTy>
struct UnitAxisToConstant final : OpRewritePattern<OpTy> {
  UnitAxisToConstant(MLIRContext *context, double value)
      : OpRewritePattern<OpTy>(context), value(value) {}

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getInput().getType();
    if (type.getDimSize(op.getAxisIndex()) != 1)
      return failure();
    Location loc = op.getLoc();
    Value scalar = arith::ConstantOp::create(
        rewriter, loc, rewriter.getFloatAttr(type.getElementType(), value));
    rewriter.replaceOpWithNewOp<tensor::SplatOp>(
        op, type, scalar, dynamicSizes(rewriter, loc, op.getInput()));
    return success();
  }

  double value;
};

/// logsumexp over one element drops the axis: a collapse_shape (or nothing
/// with keep_dim, which the folder handles).
struct UnitAxisLogSumExp final : OpRewritePattern<LogSumExpOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LogSumExpOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getInput().getType();
    int64_t axis = op.getAxisIndex(), rank = type.getRank();
    if (op.getKeepDim() || type.getDimSize(axis) != 1)
      return failure();
    // Merge the unit axis into a neighbour (the next one, or the previous one
    // for the last axis); a rank-1 input collapses to a 0-D tensor.
    SmallVector<ReassociationIndices> groups;
    for (int64_t i = 0; i < rank; ++i) {
      if (i == axis)
        continue;
      ReassociationIndices group{i};
      if (i == axis + 1)
        group.insert(group.begin(), axis);
      if (i == axis - 1 && axis == rank - 1)
        group.push_back(axis);
      groups.push_back(group);
    }
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, op.getType(),
                                                         op.getInput(), groups);
    return success();
  }
};

/// nll_loss of a log-softmax along the classes is the cross-entropy of its
/// input: one pass over the logits instead of a log-softmax tensor.
struct NllOfLogSoftmax final : OpRewritePattern<NllLossOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(NllLossOp op,
                                PatternRewriter &rewriter) const override {
    auto logSoftmax = op.getLogProbs().getDefiningOp<LogSoftmaxOp>();
    if (!logSoftmax || logSoftmax.getAxisIndex() != 1)
      return failure();
    SmallVector<Value> operands = {logSoftmax.getInput(), op.getLabels()};
    if (op.getWeights())
      operands.push_back(op.getWeights());
    SmallVector<NamedAttribute> attrs = {rewriter.getNamedAttr(
        "reduction",
        ReductionAttr::get(rewriter.getContext(), op.getReduction()))};
    if (IntegerAttr ignoreIndex = op.getIgnoreIndexAttr())
      attrs.push_back(rewriter.getNamedAttr("ignore_index", ignoreIndex));
    rewriter.replaceOpWithNewOp<CrossEntropyOp>(op, TypeRange{op.getType()},
                                                operands, attrs);
    return success();
  }
};

} // namespace

void AtticDialect::getCanonicalizationPatterns(
    RewritePatternSet &patterns) const {
  MLIRContext *context = patterns.getContext();
  patterns
      .add<LogOfSoftmax, ExpOfLogSoftmax, UnitAxisLogSumExp, NllOfLogSoftmax>(
          context);
  patterns.add<UnitAxisToConstant<SoftmaxOp>>(context, 1.0);
  patterns.add<UnitAxisToConstant<LogSoftmaxOp>>(context, 0.0);
}
