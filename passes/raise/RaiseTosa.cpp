//===- RaiseTosa.cpp - Softmax and log-softmax from TOSA ------------------===//
//
// TOSA has no softmax operator; frontends spell it with reductions that
// keep the reduced axis (x along axis a; t = x - reduce_max(x, a), or t = x
// when the frontend left the maximum out):
//
//   mul(exp(t), reciprocal(reduce_sum(exp(t), a)))   -> attic.softmax
//   sub(t, log(reduce_sum(exp(t), a)))               -> attic.log_softmax
//
// The attic ops subtract the maximum whatever the spelling. Attention is
// batched matmuls around such a softmax (one head per batch entry):
//
//   matmul(softmax(add(mul(matmul(Q, transpose(K, [0, 2, 1])), c), M), 2),
//          V)                                     -> attic.attention
//
// with the mul by a splat constant c (the scale; 1 without it) and the
// add of a float mask M [N or 1, Sq or 1, Skv or 1] optional, the zero
// points 0; Q, K, V [N, S, D] seen as [N, 1, S, D].
//
//===----------------------------------------------------------------------===//

#include "passes/raise/Match.h"
#include "passes/raise/Transforms.h"

#include "dialects/attic/AtticOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::raise;

namespace {

/// The axis of a TOSA reduction of `input`, in range.
template <typename ReduceOp>
std::optional<int64_t> reductionAxis(ReduceOp op, Value input) {
  RankedTensorType type = rankedFloat(input);
  if (!op || op.getInput() != input || !type)
    return std::nullopt;
  return normalizeAxis(static_cast<int64_t>(op.getAxis()), type.getRank());
}

/// The softmax input x and axis of exp(t) and reduce_sum(exp(t), a), where
/// t = x - reduce_max(x, a) or t = x.
std::optional<std::pair<Value, int64_t>> matchExpSum(Value exp, Value sum) {
  auto expOp = exp.getDefiningOp<tosa::ExpOp>();
  if (!expOp)
    return std::nullopt;
  std::optional<int64_t> axis =
      reductionAxis(sum.getDefiningOp<tosa::ReduceSumOp>(), exp);
  if (!axis)
    return std::nullopt;
  Value x = expOp.getInput1();
  if (auto sub = x.getDefiningOp<tosa::SubOp>())
    if (std::optional<int64_t> maxAxis =
            reductionAxis(sub.getInput2().getDefiningOp<tosa::ReduceMaxOp>(),
                          sub.getInput1());
        maxAxis && *maxAxis == *axis)
      x = sub.getInput1();
  if (!rankedFloat(x))
    return std::nullopt;
  return std::make_pair(x, *axis);
}

/// mul(exp(t), reciprocal(reduce_sum(exp(t), a))), in either order.
struct RaiseTosaSoftmax final : OpRewritePattern<tosa::MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::MulOp op,
                                PatternRewriter &rewriter) const override {
    for (auto [exp, inverse] : {std::pair(op.getInput1(), op.getInput2()),
                                std::pair(op.getInput2(), op.getInput1())}) {
      auto reciprocal = inverse.getDefiningOp<tosa::ReciprocalOp>();
      if (!reciprocal)
        continue;
      if (auto match = matchExpSum(exp, reciprocal.getInput1()))
        return raiseTo<SoftmaxOp>(rewriter, op, match->first, match->second);
    }
    return rewriter.notifyMatchFailure(op, "not exp * reciprocal(sum(exp))");
  }
};

/// sub(t, log(reduce_sum(exp(t), a))).
struct RaiseTosaLogSoftmax final : OpRewritePattern<tosa::SubOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::SubOp op,
                                PatternRewriter &rewriter) const override {
    auto log = op.getInput2().getDefiningOp<tosa::LogOp>();
    auto sum = log ? log.getInput1().getDefiningOp<tosa::ReduceSumOp>()
                   : tosa::ReduceSumOp();
    auto exp =
        sum ? sum.getInput().getDefiningOp<tosa::ExpOp>() : tosa::ExpOp();
    if (!exp || exp.getInput1() != op.getInput1())
      return rewriter.notifyMatchFailure(op, "not t - log(sum(exp(t)))");
    auto match = matchExpSum(exp, sum);
    if (!match)
      return rewriter.notifyMatchFailure(op, "not a softmax reduction");
    return raiseTo<LogSoftmaxOp>(rewriter, op, match->first, match->second);
  }
};

/// The splat float value of a tosa.const.
std::optional<double> splatConstant(Value value) {
  DenseFPElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) || !attr.isSplat())
    return std::nullopt;
  return attr.getSplatValue<APFloat>().convertToDouble();
}

/// The operands of a tosa.matmul whose zero points are 0.
std::optional<std::pair<Value, Value>> floatProduct(Value value) {
  auto matmul = value.getDefiningOp<tosa::MatMulOp>();
  if (!matmul || splatConstant(matmul.getAZp()) != 0.0 ||
      splatConstant(matmul.getBZp()) != 0.0)
    return std::nullopt;
  return std::make_pair(matmul.getA(), matmul.getB());
}

/// [N, S, D] as [N, 1, S, D].
Value withUnitHeads(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape.insert(shape.begin() + 1, 1);
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), value,
      SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}});
}

/// matmul(softmax(scaled, masked Q·Kᵀ), V) -> attic.attention.
struct RaiseTosaAttention final : OpRewritePattern<tosa::MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::MatMulOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<std::pair<Value, Value>> pv = floatProduct(op.getOutput());
    auto softmax =
        pv ? stripCasts(pv->first).getDefiningOp<SoftmaxOp>() : SoftmaxOp();
    if (!softmax || softmax.getAxisIndex() != 2)
      return rewriter.notifyMatchFailure(op, "not softmax(S) · V");
    Value scores = softmax.getInput(), mask;
    if (auto add = scores.getDefiningOp<tosa::AddOp>()) {
      // The mask is the side that is no product.
      for (auto [s, m] : {std::pair(add.getInput1(), add.getInput2()),
                          std::pair(add.getInput2(), add.getInput1())})
        if (s.getDefiningOp<tosa::MulOp>() || floatProduct(s)) {
          scores = s;
          mask = m;
          break;
        }
      if (!mask)
        return rewriter.notifyMatchFailure(op, "no scores under the add");
    }
    double scale = 1;
    if (auto mul = scores.getDefiningOp<tosa::MulOp>()) {
      for (auto [s, c] : {std::pair(mul.getInput1(), mul.getInput2()),
                          std::pair(mul.getInput2(), mul.getInput1())})
        if (std::optional<double> factor = splatConstant(c)) {
          scale = *factor;
          scores = s;
          break;
        }
    }
    std::optional<std::pair<Value, Value>> qk = floatProduct(scores);
    auto transpose = qk ? qk->second.getDefiningOp<tosa::TransposeOp>()
                        : tosa::TransposeOp();
    if (!transpose || transpose.getPerms() != ArrayRef<int32_t>{0, 2, 1})
      return rewriter.notifyMatchFailure(op, "scores are not Q · Kᵀ");
    Value q = qk->first, k = transpose.getInput1(), v = pv->second;
    RankedTensorType qType = rankedFloat(q), kType = rankedFloat(k),
                     vType = rankedFloat(v);
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!qType || !kType || !vType || !resultType ||
        qType.getElementType() != kType.getElementType() ||
        qType.getElementType() != vType.getElementType() ||
        qType.getElementType() != resultType.getElementType())
      return nearMiss(rewriter, op, "Q, K, V of different element types");
    RankedTensorType maskType = mask ? rankedFloat(mask) : RankedTensorType();
    if (mask && (!maskType || maskType.getRank() != 3 ||
                 maskType.getElementType() != qType.getElementType()))
      return nearMiss(rewriter, op, "the mask is not a 3-D float tensor");

    SmallVector<int64_t> shape(qType.getShape());
    shape.back() = vType.getShape().back();
    if (!castsTo(RankedTensorType::get(shape, qType.getElementType()),
                 resultType))
      return rewriter.notifyMatchFailure(op, "result type differs");
    shape.insert(shape.begin() + 1, 1);

    Location loc = op.getLoc();
    auto attention = AttentionOp::create(
        rewriter, loc, RankedTensorType::get(shape, qType.getElementType()),
        withUnitHeads(rewriter, loc, q), withUnitHeads(rewriter, loc, k),
        withUnitHeads(rewriter, loc, v),
        mask ? withUnitHeads(rewriter, loc, mask) : Value(),
        /*kv_lengths=*/Value(), rewriter.getF64FloatAttr(scale),
        /*causal=*/UnitAttr(), /*left_window=*/IntegerAttr(),
        /*right_window=*/IntegerAttr(), /*softcap=*/FloatAttr(),
        AttentionKernelAttr::get(rewriter.getContext(),
                                 AttentionKernel::softmax),
        /*train_length=*/IntegerAttr(), /*reweight_power=*/FloatAttr());
    Value result = tensor::CollapseShapeOp::create(
        rewriter, loc, attention,
        SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}});
    rewriter.replaceOp(op, castTo(rewriter, loc, result, resultType));
    return success();
  }
};

/// `value` with the shape of `type` (whose extra dimensions are units)
/// by tensor.expand_shape.
Value expandTo(OpBuilder &b, Location loc, Value value, RankedTensorType type) {
  auto from = cast<RankedTensorType>(value.getType());
  std::optional<SmallVector<ReassociationIndices>> reassociation =
      getReassociationIndicesForReshape(from, type);
  if (!reassociation)
    return {};
  return tensor::ExpandShapeOp::create(b, loc, type, value, *reassociation);
}

/// The log-probabilities [N, C] and labels [N] whose label log-probability
/// `value` gathers: tosa.gather of a reshape of the first to [N, C, 1] by a
/// reshape of the second (or of its tosa.cast to i32) to [N, 1].
std::optional<std::pair<Value, Value>> matchGatheredLabels(Value value) {
  auto gather = value.getDefiningOp<tosa::GatherOp>();
  auto values = gather ? gather.getValues().getDefiningOp<tosa::ReshapeOp>()
                       : tosa::ReshapeOp();
  auto indices = gather ? gather.getIndices().getDefiningOp<tosa::ReshapeOp>()
                        : tosa::ReshapeOp();
  if (!values || !indices)
    return std::nullopt;
  Value logProbs = values.getInput1(), labels = indices.getInput1();
  RankedTensorType lpType = rankedFloat(logProbs);
  auto labelsType = cast<RankedTensorType>(labels.getType());
  if (!lpType || lpType.getRank() != 2 || labelsType.getRank() != 1 ||
      values.getType().getShape() !=
          ArrayRef<int64_t>{lpType.getDimSize(0), lpType.getDimSize(1), 1} ||
      indices.getType().getShape() !=
          ArrayRef<int64_t>{labelsType.getDimSize(0), 1})
    return std::nullopt;
  if (auto cast = labels.getDefiningOp<tosa::CastOp>();
      cast && isa<IntegerType>(getElementTypeOrSelf(cast.getInput())))
    labels = cast.getInput();
  return std::make_pair(logProbs, labels);
}

/// negate(the gathered label log-probability) -> attic.nll_loss per token,
/// expanded to the [N, 1, 1] of the gather.
struct RaiseTosaNll final : OpRewritePattern<tosa::NegateOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::NegateOp op,
                                PatternRewriter &rewriter) const override {
    auto gathered = matchGatheredLabels(op.getInput1());
    if (!gathered || splatConstant(op.getInput1Zp()) != 0.0 ||
        splatConstant(op.getOutputZp()) != 0.0)
      return rewriter.notifyMatchFailure(op, "not -gather(lp, labels)");
    auto [logProbs, labels] = *gathered;
    auto lpType = cast<RankedTensorType>(logProbs.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    Value loss = NllLossOp::create(
        rewriter, op.getLoc(),
        RankedTensorType::get({lpType.getDimSize(0)}, lpType.getElementType()),
        logProbs, labels, /*weights=*/Value(), Reduction::none,
        /*ignore_index=*/IntegerAttr());
    Value expanded = expandTo(rewriter, op.getLoc(), loss, resultType);
    if (!expanded)
      return rewriter.notifyMatchFailure(op, "result shape differs");
    rewriter.replaceOp(op, expanded);
    return success();
  }
};

/// The attic.nll_loss of `reduction` that `value` expands, when nothing
/// else reads it.
NllLossOp expandedNll(Value value, Reduction reduction) {
  auto expand = value.getDefiningOp<tensor::ExpandShapeOp>();
  auto nll = expand ? expand.getSrc().getDefiningOp<NllLossOp>() : NllLossOp();
  if (!nll || nll.getReduction() != reduction || !nll->hasOneUse() ||
      !expand->hasOneUse())
    return {};
  return nll;
}

/// `nll` with `reduction`, in the shape of `type`.
Value withReduction(PatternRewriter &rewriter, Location loc, NllLossOp nll,
                    Reduction reduction, RankedTensorType type) {
  Value loss = NllLossOp::create(
      rewriter, loc,
      RankedTensorType::get({}, getElementTypeOrSelf(nll.getType())),
      nll.getLogProbs(), nll.getLabels(), nll.getWeights(), reduction,
      nll.getIgnoreIndexAttr());
  return expandTo(rewriter, loc, loss, type);
}

/// reduce_sum over the tokens of the per-token loss -> its sum.
struct RaiseTosaNllSum final : OpRewritePattern<tosa::ReduceSumOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ReduceSumOp op,
                                PatternRewriter &rewriter) const override {
    NllLossOp nll = expandedNll(op.getInput(), Reduction::none);
    if (!nll || op.getAxis() != 0)
      return rewriter.notifyMatchFailure(op, "not a sum of token losses");
    Value sum = withReduction(rewriter, op.getLoc(), nll, Reduction::sum,
                              cast<RankedTensorType>(op.getType()));
    if (!sum)
      return rewriter.notifyMatchFailure(op, "result shape differs");
    rewriter.replaceOp(op, sum);
    return success();
  }
};

/// The summed loss times 1/N (N tokens) -> its mean.
struct RaiseTosaNllMean final : OpRewritePattern<tosa::MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::MulOp op,
                                PatternRewriter &rewriter) const override {
    for (auto [sum, factor] : {std::pair(op.getInput1(), op.getInput2()),
                               std::pair(op.getInput2(), op.getInput1())}) {
      NllLossOp nll = expandedNll(sum, Reduction::sum);
      DenseFPElementsAttr constant;
      if (!nll || nll.getIgnoreIndexAttr() || sum.getType() != op.getType() ||
          !matchPattern(factor, m_Constant(&constant)) || !constant.isSplat())
        continue;
      // 1/N rounded to the element type, as the frontend wrote it.
      auto labelsType = cast<RankedTensorType>(nll.getLabels().getType());
      APFloat inverse(1.0 / static_cast<double>(labelsType.getDimSize(0)));
      APFloat given = constant.getSplatValue<APFloat>();
      bool lost;
      inverse.convert(given.getSemantics(), APFloat::rmNearestTiesToEven,
                      &lost);
      if (labelsType.isDynamicDim(0) || !inverse.bitwiseIsEqual(given))
        continue;
      rewriter.replaceOp(
          op, withReduction(rewriter, op.getLoc(), nll, Reduction::mean,
                            cast<RankedTensorType>(op.getType())));
      return success();
    }
    return rewriter.notifyMatchFailure(op, "not a summed loss times 1/N");
  }
};

} // namespace

void mlir::attic::populateRaiseTosaPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseTosaSoftmax, RaiseTosaLogSoftmax, RaiseTosaAttention,
               RaiseTosaNll, RaiseTosaNllSum, RaiseTosaNllMean>(
      patterns.getContext());
}
