//===- RaiseSoftmax.cpp - Softmax and log-softmax from ONNX graphs --------===//
//
// The spellings raised to attic.softmax / attic.log_softmax (x along axis
// a; t = x - ReduceMax(x, [a]) or t = x when the exporter left the maximum
// out, every reduction keeping its dimension):
//
//   Softmax(x, a)                      LogSoftmax(x, a)
//   Div(Exp(t), ReduceSum(Exp(t), [a]))
//   Sub(t, Log(ReduceSum(Exp(t), [a])))
//   Reshape(Transpose(LogSoftmax(Transpose(Reshape(x, [0, 0, -1]),
//     [0, 2, 1]), -1), [0, 2, 1]), Shape(x))    (log-softmax along axis 1)
//
// The attic ops subtract the maximum whatever the spelling, so a graph
// that left it out (and overflows for large inputs) gets the stable form.
//
// Selections of a softmax need no normalization of every element:
//
//   TopK(Softmax(x, a), k, axis a)  -> attic.topk_softmax (selects on x,
//                                      values exp(v - lse(x)))
//   Div(values, ReduceSum(values, [a]))
//                                   -> attic.topk_softmax {renormalize}
//   ArgMax(Softmax(x, a), axis a)   -> ArgMax(x, axis a)
//
//===----------------------------------------------------------------------===//

#include "passes/raise/Match.h"
#include "passes/raise/Transforms.h"

#include "dialects/attic/AtticOps.h"
#include "dialects/onnx/ONNXOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::raise;

namespace {

/// onnx.Softmax / onnx.LogSoftmax of a ranked float tensor.
template <typename OnnxOp, typename AtticOp>
struct RaiseSoftmaxNode final : OpRewritePattern<OnnxOp> {
  using OpRewritePattern<OnnxOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(OnnxOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType type = rankedFloat(op.getInput());
    if (!type)
      return rewriter.notifyMatchFailure(op, "not a ranked float tensor");
    std::optional<int64_t> axis = normalizeAxis(op.getAxis(), type.getRank());
    if (!axis)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    return raiseTo<AtticOp>(rewriter, op, op.getInput(), *axis);
  }
};

/// The softmax input x and axis of the pieces Exp(t) and
/// ReduceSum(Exp(t), [a]) of an expanded (log-)softmax: t = x -
/// ReduceMax(x, [a]) or t = x.
std::optional<std::pair<Value, int64_t>> matchExpSum(Value exp, Value sum) {
  auto expOp = exp.getDefiningOp<onnxir::ExpOp>();
  auto sumOp = sum.getDefiningOp<onnxir::ReduceSumOp>();
  if (!expOp || !sumOp || sumOp.getData() != exp)
    return std::nullopt;
  Value x = expOp.getX();
  std::optional<int64_t> maxAxis;
  if (auto sub = x.getDefiningOp<onnxir::SubOp>())
    if (auto max = sub.getB().getDefiningOp<onnxir::ReduceMaxOp>();
        max && max.getData() == sub.getA() && rankedFloat(sub.getA())) {
      maxAxis = keptReductionAxis(max, rankedFloat(sub.getA()).getRank());
      if (maxAxis)
        x = sub.getA();
    }
  RankedTensorType type = rankedFloat(x);
  if (!type)
    return std::nullopt;
  std::optional<int64_t> axis = keptReductionAxis(sumOp, type.getRank());
  if (!axis || (maxAxis && *maxAxis != *axis))
    return std::nullopt;
  return std::make_pair(x, *axis);
}

/// Div(Exp(t), ReduceSum(Exp(t), [a])) -> attic.softmax.
struct RaiseExpandedSoftmax final : OpRewritePattern<onnxir::DivOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(onnxir::DivOp op,
                                PatternRewriter &rewriter) const override {
    auto match = matchExpSum(op.getA(), op.getB());
    if (!match)
      return rewriter.notifyMatchFailure(op, "not exp / sum(exp)");
    return raiseTo<SoftmaxOp>(rewriter, op, match->first, match->second);
  }
};

/// Sub(t, Log(ReduceSum(Exp(t), [a]))) -> attic.log_softmax.
struct RaiseExpandedLogSoftmax final : OpRewritePattern<onnxir::SubOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(onnxir::SubOp op,
                                PatternRewriter &rewriter) const override {
    auto log = op.getB().getDefiningOp<onnxir::LogOp>();
    if (!log)
      return rewriter.notifyMatchFailure(op, "not t - log(...)");
    auto sum = log.getX().getDefiningOp<onnxir::ReduceSumOp>();
    auto exp =
        sum ? sum.getData().getDefiningOp<onnxir::ExpOp>() : onnxir::ExpOp();
    if (!exp || exp.getX() != op.getA())
      return rewriter.notifyMatchFailure(op, "not t - log(sum(exp(t)))");
    auto match = matchExpSum(exp, sum);
    if (!match)
      return rewriter.notifyMatchFailure(op, "not a softmax reduction");
    return raiseTo<LogSoftmaxOp>(rewriter, op, match->first, match->second);
  }
};

/// Whether `value` is Transpose(v, [0, 2, 1]); sets `input` to v.
bool isSwapLast2(Value value, Value &input) {
  auto transpose = value.getDefiningOp<onnxir::TransposeOp>();
  ArrayAttr permAttr = transpose ? transpose.getPermAttr() : ArrayAttr();
  if (!permAttr)
    return false;
  SmallVector<int64_t> perm;
  for (Attribute a : permAttr)
    perm.push_back(cast<IntegerAttr>(a).getInt());
  if (perm != SmallVector<int64_t>{0, 2, 1})
    return false;
  input = transpose.getData();
  return true;
}

/// A log-softmax along axis 1 of x through the last axis of a [N, D, C]
/// view: Reshape(Transpose(LogSoftmax(Transpose(Reshape(x, [0, 0, -1])),
/// last)), Shape(x)).
struct RaiseMovedAxisLogSoftmax final : OpRewritePattern<onnxir::ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(onnxir::ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    Value normalized, swapped;
    if (!isSwapLast2(op.getData(), normalized))
      return rewriter.notifyMatchFailure(op, "no transpose back");
    // The log-softmax along the last of three axes, raised or not yet.
    if (auto node = normalized.getDefiningOp<onnxir::LogSoftmaxOp>()) {
      if (node.getAxis() != 2 && node.getAxis() != -1)
        return rewriter.notifyMatchFailure(op, "not along the last axis");
      swapped = node.getInput();
    } else if (auto raised = normalized.getDefiningOp<LogSoftmaxOp>()) {
      if (raised.getInput().getType().getRank() != 3 ||
          raised.getAxisIndex() != 2)
        return rewriter.notifyMatchFailure(op, "not along the last axis");
      swapped = raised.getInput();
    } else {
      return rewriter.notifyMatchFailure(op, "no log-softmax");
    }
    Value flat;
    if (!isSwapLast2(swapped, flat))
      return rewriter.notifyMatchFailure(op, "no transpose to the last axis");
    auto reshape = flat.getDefiningOp<onnxir::ReshapeOp>();
    if (!reshape || reshape.getAllowzero() != 0 ||
        constantInts(reshape.getShape()) != SmallVector<int64_t>{0, 0, -1})
      return rewriter.notifyMatchFailure(op, "not x viewed as [N, C, -1]");
    Value x = reshape.getData();
    RankedTensorType type = rankedFloat(x);
    if (!type || type.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "x is not ranked float");
    // Back to x's shape: Shape(x), or the constant it folds to when x's
    // shape is static.
    auto shape = op.getShape().getDefiningOp<onnxir::ShapeOp>();
    bool back =
        shape ? shape.getData() == x && shape.getStart() == 0 && !shape.getEnd()
              : type.hasStaticShape() &&
                    constantInts(op.getShape()) ==
                        SmallVector<int64_t>(type.getShape());
    if (!back)
      return rewriter.notifyMatchFailure(op, "not reshaped to Shape(x)");
    return raiseTo<LogSoftmaxOp>(rewriter, op, x, 1);
  }
};

/// The input x of a softmax along `axis` (of `value`'s rank), the node or
/// the raised op, looking through casts.
Value softmaxInput(Value value, int64_t axis) {
  value = stripCasts(value);
  if (auto raised = value.getDefiningOp<SoftmaxOp>())
    return raised.getAxisIndex() == axis ? raised.getInput() : Value();
  if (auto node = value.getDefiningOp<onnxir::SoftmaxOp>()) {
    RankedTensorType type = rankedFloat(node.getInput());
    if (type && normalizeAxis(node.getAxis(), type.getRank()) == axis)
      return node.getInput();
  }
  return Value();
}

/// TopK of a softmax along the same axis, the k largest sorted.
struct RaiseTopKSoftmax final : OpRewritePattern<onnxir::TopKOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(onnxir::TopKOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType type = rankedFloat(stripCasts(op.getX()));
    std::optional<int64_t> axis =
        type ? normalizeAxis(op.getAxis(), type.getRank()) : std::nullopt;
    std::optional<SmallVector<int64_t>> k = constantInts(op.getK());
    if (!axis || !k || k->size() != 1 || op.getLargest() != 1 ||
        op.getSorted() != 1)
      return rewriter.notifyMatchFailure(op, "not the sorted k largest");
    Value x = softmaxInput(op.getX(), *axis);
    if (!x)
      return rewriter.notifyMatchFailure(op, "not a softmax along the axis");
    SmallVector<int64_t> shape(type.getShape());
    shape[*axis] = k->front();
    auto valuesType = RankedTensorType::get(shape, type.getElementType());
    auto indicesType = RankedTensorType::get(shape, rewriter.getI64Type());
    for (auto [result, raised] :
         {std::pair<Value, Type>{op.getValues(), valuesType},
          {op.getIndices(), indicesType}})
      if (!castsTo(raised, result.getType()))
        return rewriter.notifyMatchFailure(op, "result types do not fit");
    auto topk =
        TopKSoftmaxOp::create(rewriter, op.getLoc(), valuesType, indicesType, x,
                              rewriter.getI64IntegerAttr(k->front()),
                              rewriter.getI64IntegerAttr(*axis), UnitAttr());
    rewriter.replaceOp(op, {castTo(rewriter, op.getLoc(), topk.getValues(),
                                   op.getValues().getType()),
                            castTo(rewriter, op.getLoc(), topk.getIndices(),
                                   op.getIndices().getType())});
    return success();
  }
};

/// The top-k probabilities divided by their sum: renormalized gates.
struct RaiseRenormalizedTopK final : OpRewritePattern<onnxir::DivOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(onnxir::DivOp op,
                                PatternRewriter &rewriter) const override {
    Value values = stripCasts(op.getA());
    auto topk = values.getDefiningOp<TopKSoftmaxOp>();
    auto sum = op.getB().getDefiningOp<onnxir::ReduceSumOp>();
    if (!topk || topk.getRenormalize() || !sum ||
        stripCasts(sum.getData()) != values ||
        keptReductionAxis(sum, topk.getInput().getType().getRank()) !=
            topk.getAxisIndex())
      return rewriter.notifyMatchFailure(op, "not top-k / sum(top-k)");
    Type resultType = op.getC().getType();
    if (!castsTo(values.getType(), resultType))
      return rewriter.notifyMatchFailure(op, "result type does not fit");
    // A second selection with renormalize; the first one still serves its
    // other users (the indices, typically), and goes when it has none.
    auto renormalized = TopKSoftmaxOp::create(
        rewriter, op.getLoc(), topk.getValues().getType(),
        topk.getIndices().getType(), topk.getInput(), topk.getKAttr(),
        topk.getAxisAttr(), rewriter.getUnitAttr());
    rewriter.replaceOp(op, castTo(rewriter, op.getLoc(),
                                  renormalized.getValues(), resultType));
    return success();
  }
};

/// ArgMax of a softmax along the same axis: the softmax is increasing in
/// each element, so the argmax of the logits is the same.
struct RaiseArgMaxSoftmax final : OpRewritePattern<onnxir::ArgMaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(onnxir::ArgMaxOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType type = rankedFloat(stripCasts(op.getData()));
    std::optional<int64_t> axis =
        type ? normalizeAxis(op.getAxis(), type.getRank()) : std::nullopt;
    Value x = axis ? softmaxInput(op.getData(), *axis) : Value();
    if (!x)
      return rewriter.notifyMatchFailure(op, "not a softmax along the axis");
    rewriter.modifyOpInPlace(op, [&] { op.getDataMutable().assign(x); });
    return success();
  }
};

} // namespace

void mlir::attic::populateRaiseSoftmaxPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseSoftmaxNode<onnxir::SoftmaxOp, SoftmaxOp>,
               RaiseSoftmaxNode<onnxir::LogSoftmaxOp, LogSoftmaxOp>,
               RaiseExpandedSoftmax, RaiseExpandedLogSoftmax,
               RaiseMovedAxisLogSoftmax, RaiseTopKSoftmax,
               RaiseRenormalizedTopK, RaiseArgMaxSoftmax>(
      patterns.getContext());
}
