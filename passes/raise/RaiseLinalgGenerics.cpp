//===- RaiseLinalgGenerics.cpp - Softmax and losses from linalg.generic ---===//
//
// What torch-mlir writes as chains of linalg.generic ops (after
// canonicalization), one op per step. x along axis a; reductions keep the
// axis (read back by a map with 0 there) or drop it; t = x - max(x, a) or
// t = x:
//
//   exp(t) / sum(exp(t), a)                     -> attic.softmax(x, a)
//   t - log(sum(exp(t), a))                     -> attic.log_softmax(x, a)
//   log(softmax(x, a))                          -> attic.log_softmax(x, a)
//
// and the negative log-likelihood of log-probabilities lp [N, C] and
// integer labels y [N] (ignore a constant, cast to index):
//
//   l[n] = y[n] == ignore ? 0 : -lp[n, y[n]]    -> attic.nll_loss, none
//   sum(l)                                      -> reduction sum
//   sum(l / count), count = sum(y != ignore)    -> reduction mean
//
// the per-token loss a linalg.generic over y whose body extracts
// lp[index(0), y] (the select optional: then nothing is ignored). A
// mean's count is the sitofp of an integer reduction of y counting the
// labels that are not ignored, or the constant N when nothing is.
// nll_loss of a log-softmax along the classes becomes attic.cross_entropy
// through the attic canonicalizations the passes add.
//
//===----------------------------------------------------------------------===//

#include "passes/raise/Match.h"
#include "passes/raise/Transforms.h"

#include "dialects/attic/AtticOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::raise;

namespace {

/// The linalg.generic on tensors defining `value`, with `inputs` inputs and
/// one init.
linalg::GenericOp genericOf(Value value, unsigned inputs) {
  auto generic = value.getDefiningOp<linalg::GenericOp>();
  if (!generic || !generic.hasPureTensorSemantics() ||
      generic.getNumDpsInputs() != inputs || generic.getNumDpsInits() != 1)
    return {};
  return generic;
}

/// The one operation of a generic's body before its yield, of type `OpTy`
/// and yielded; null when the body holds more.
template <typename OpTy> OpTy singleBodyOp(linalg::GenericOp generic) {
  Block &body = generic.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto op = dyn_cast<OpTy>(&body.front());
  if (body.getOperations().size() != 2 || !op ||
      yield.getValues()[0] != op->getResult(0))
    return {};
  return op;
}

/// The axis a tensor read by `map` was reduced out of: `map` is the
/// identity of its dimensions with one result dropped or replaced by 0.
std::optional<int64_t> reducedAxis(AffineMap map) {
  unsigned rank = map.getNumDims();
  ArrayRef<AffineExpr> results = map.getResults();
  if (map.getNumSymbols() != 0 || rank == 0)
    return std::nullopt;
  std::optional<int64_t> axis;
  if (results.size() == rank) {
    for (auto [i, expr] : llvm::enumerate(results)) {
      if (auto zero = dyn_cast<AffineConstantExpr>(expr);
          zero && zero.getValue() == 0 && !axis)
        axis = i;
      else if (expr != getAffineDimExpr(i, map.getContext()))
        return std::nullopt;
    }
    return axis;
  }
  if (results.size() + 1 != rank)
    return std::nullopt;
  unsigned next = 0;
  for (unsigned d = 0; d < rank; ++d) {
    if (next < results.size() &&
        results[next] == getAffineDimExpr(d, map.getContext())) {
      ++next;
      continue;
    }
    if (axis)
      return std::nullopt;
    axis = d;
  }
  return axis;
}

/// `value` = the reduction of x along one axis by a linalg.generic whose
/// body is one `CombineOp` of the element and the accumulator, into a
/// linalg.fill of a constant that `isInit` accepts: returns x and sets
/// `axis`.
template <typename CombineOp>
Value matchAxisReduction(Value value, int64_t &axis,
                         function_ref<bool(const APFloat &)> isInit) {
  linalg::GenericOp generic = genericOf(value, 1);
  if (!generic || generic.getNumReductionLoops() != 1 ||
      !generic.getIndexingMapsArray()[0].isIdentity())
    return {};
  std::optional<int64_t> reduced =
      reducedAxis(generic.getIndexingMapsArray()[1]);
  if (!reduced || generic.getIteratorTypesArray()[*reduced] !=
                      utils::IteratorType::reduction)
    return {};
  auto combine = singleBodyOp<CombineOp>(generic);
  Block &body = generic.getRegion().front();
  if (!combine || !((combine->getOperand(0) == body.getArgument(0) &&
                     combine->getOperand(1) == body.getArgument(1)) ||
                    (combine->getOperand(0) == body.getArgument(1) &&
                     combine->getOperand(1) == body.getArgument(0))))
    return {};
  auto fill = generic.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  FloatAttr init;
  if (!fill || !matchPattern(fill.getInputs()[0], m_Constant(&init)) ||
      !isInit(init.getValue()))
    return {};
  axis = *reduced;
  return generic.getDpsInputs()[0];
}

/// `value` = OpTy(input) elementwise by a linalg.generic (identity maps):
/// returns the input.
template <typename OpTy> Value matchUnary(Value value) {
  linalg::GenericOp generic = genericOf(value, 1);
  if (!generic || generic.getNumReductionLoops() != 0 ||
      !llvm::all_of(generic.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return {};
  auto op = singleBodyOp<OpTy>(generic);
  if (!op || op->getOperand(0) != generic.getRegion().getArgument(0))
    return {};
  return generic.getDpsInputs()[0];
}

/// `value` = OpTy(full, reduced) elementwise by a linalg.generic, full read
/// by the identity map and reduced by a map that one axis was reduced out
/// of: sets both and returns that axis.
template <typename OpTy>
std::optional<int64_t> matchBroadcastBinary(Value value, Value &full,
                                            Value &reduced) {
  linalg::GenericOp generic = genericOf(value, 2);
  if (!generic || generic.getNumReductionLoops() != 0)
    return std::nullopt;
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  std::optional<int64_t> axis = reducedAxis(maps[1]);
  auto op = singleBodyOp<OpTy>(generic);
  Block &body = generic.getRegion().front();
  if (!axis || !maps[0].isIdentity() || !maps[2].isIdentity() || !op ||
      op->getOperand(0) != body.getArgument(0) ||
      op->getOperand(1) != body.getArgument(1))
    return std::nullopt;
  full = generic.getDpsInputs()[0];
  reduced = generic.getDpsInputs()[1];
  return axis;
}

bool isZero(const APFloat &init) { return init.isZero(); }

/// -inf or the lowest finite value: below anything a maximum meets.
bool isMaxInit(const APFloat &init) {
  return init.isNegative() &&
         (init.isInfinity() || init.bitwiseIsEqual(APFloat::getLargest(
                                   init.getSemantics(), /*Negative=*/true)));
}

/// t, or x where t = x - max(x, axis) (the shift softmax is blind to).
Value unshifted(Value t, int64_t axis) {
  Value x, max;
  std::optional<int64_t> subAxis =
      matchBroadcastBinary<arith::SubFOp>(t, x, max);
  int64_t maxAxis = -1;
  bool isMax =
      subAxis && *subAxis == axis &&
      (matchAxisReduction<arith::MaximumFOp>(max, maxAxis, isMaxInit) == x ||
       matchAxisReduction<arith::MaxNumFOp>(max, maxAxis, isMaxInit) == x) &&
      maxAxis == axis;
  return isMax ? x : t;
}

/// sum(exp(t), axis): returns t and sets `axis`.
Value matchSumOfExp(Value sum, int64_t &axis) {
  Value exp = matchAxisReduction<arith::AddFOp>(sum, axis, isZero);
  return exp ? matchUnary<math::ExpOp>(exp) : Value();
}

/// exp(t) / sum(exp(t), a) -> attic.softmax(x, a).
struct RaiseSoftmaxChain final : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    Value exp, sum;
    std::optional<int64_t> axis =
        matchBroadcastBinary<arith::DivFOp>(op.getResult(0), exp, sum);
    int64_t sumAxis;
    Value t = axis ? matchSumOfExp(sum, sumAxis) : Value();
    if (!t || sumAxis != *axis || matchUnary<math::ExpOp>(exp) != t)
      return rewriter.notifyMatchFailure(op, "not exp(t) / sum(exp(t))");
    return raiseTo<SoftmaxOp>(rewriter, op, unshifted(t, *axis), *axis);
  }
};

/// t - log(sum(exp(t), a)) -> attic.log_softmax(x, a), and log of a
/// softmax.
struct RaiseLogSoftmaxChain final : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (Value softmax = matchUnary<math::LogOp>(op.getResult(0))) {
      if (auto linalgSoftmax = softmax.getDefiningOp<linalg::SoftmaxOp>();
          linalgSoftmax && linalgSoftmax.hasPureTensorSemantics())
        return raiseTo<LogSoftmaxOp>(
            rewriter, op, linalgSoftmax.getInput(),
            static_cast<int64_t>(linalgSoftmax.getDimension()));
      if (auto atticSoftmax = softmax.getDefiningOp<SoftmaxOp>())
        return raiseTo<LogSoftmaxOp>(rewriter, op, atticSoftmax.getInput(),
                                     atticSoftmax.getAxisIndex());
    }
    Value t, log;
    std::optional<int64_t> axis =
        matchBroadcastBinary<arith::SubFOp>(op.getResult(0), t, log);
    Value sum = axis ? matchUnary<math::LogOp>(log) : Value();
    int64_t sumAxis;
    if (!sum || matchSumOfExp(sum, sumAxis) != t || sumAxis != *axis)
      return rewriter.notifyMatchFailure(op, "not t - log(sum(exp(t)))");
    return raiseTo<LogSoftmaxOp>(rewriter, op, unshifted(t, *axis), *axis);
  }
};

/// The integer constant `value` is, looking through index casts and sign
/// extensions.
std::optional<int64_t> constantInteger(Value value) {
  while (Operation *op = value.getDefiningOp()) {
    if (!isa<arith::IndexCastOp, arith::ExtSIOp>(op))
      break;
    value = op->getOperand(0);
  }
  APInt constant;
  if (!matchPattern(value, m_ConstantInt(&constant)))
    return std::nullopt;
  return constant.getSExtValue();
}

/// Whether `value` is `label` (a block argument) cast to index.
bool isLabelIndex(Value value, BlockArgument label) {
  auto cast = value.getDefiningOp<arith::IndexCastOp>();
  return cast && cast.getIn() == label;
}

/// `value` = (label == ignore) as arith.cmpi of the label cast to index
/// and a constant, with `predicate` (eq, or ne for the negation): returns
/// the constant.
std::optional<int64_t> matchLabelIs(Value value, BlockArgument label,
                                    arith::CmpIPredicate predicate) {
  auto cmp = value.getDefiningOp<arith::CmpIOp>();
  if (!cmp || cmp.getPredicate() != predicate)
    return std::nullopt;
  for (auto [lhs, rhs] : {std::pair(cmp.getLhs(), cmp.getRhs()),
                          std::pair(cmp.getRhs(), cmp.getLhs())})
    if (isLabelIndex(lhs, label))
      if (std::optional<int64_t> constant = constantInteger(rhs))
        return constant;
  return std::nullopt;
}

/// The per-token negative log-likelihood: a parallel linalg.generic over
/// integer labels y [N] (identity maps) yielding -lp[index(0), y], or
/// select(y == ignore, 0, -lp[..]) (or its negation).
struct PerTokenNll {
  Value logProbs, labels;
  std::optional<int64_t> ignoreIndex;
};
std::optional<PerTokenNll> matchPerTokenNll(linalg::GenericOp generic) {
  if (!generic.hasPureTensorSemantics() || generic.getNumDpsInputs() != 1 ||
      generic.getNumDpsInits() != 1 || generic.getNumLoops() != 1 ||
      generic.getNumReductionLoops() != 0 ||
      !llvm::all_of(generic.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return std::nullopt;
  Block &body = generic.getRegion().front();
  BlockArgument label = body.getArgument(0);
  if (!isa<IntegerType>(label.getType()))
    return std::nullopt;
  PerTokenNll nll{{}, generic.getDpsInputs()[0], std::nullopt};
  Value loss = cast<linalg::YieldOp>(body.getTerminator()).getValues()[0];
  if (auto select = loss.getDefiningOp<arith::SelectOp>()) {
    auto [predicate, fill, taken] =
        matchPattern(select.getTrueValue(), m_AnyZeroFloat())
            ? std::tuple(arith::CmpIPredicate::eq, select.getTrueValue(),
                         select.getFalseValue())
            : std::tuple(arith::CmpIPredicate::ne, select.getFalseValue(),
                         select.getTrueValue());
    nll.ignoreIndex = matchLabelIs(select.getCondition(), label, predicate);
    if (!nll.ignoreIndex || !matchPattern(fill, m_AnyZeroFloat()))
      return std::nullopt;
    loss = taken;
  }
  auto neg = loss.getDefiningOp<arith::NegFOp>();
  auto extract =
      neg ? neg.getOperand().getDefiningOp<tensor::ExtractOp>() : nullptr;
  if (!extract || extract.getIndices().size() != 2 ||
      !isLabelIndex(extract.getIndices()[1], label))
    return std::nullopt;
  auto token = extract.getIndices()[0].getDefiningOp<linalg::IndexOp>();
  if (!token || token.getDim() != 0 ||
      generic.getRegion().isAncestor(extract.getTensor().getParentRegion()))
    return std::nullopt;
  nll.logProbs = extract.getTensor();
  auto type = rankedFloat(nll.logProbs);
  if (!type ||
      type.getElementType() != getElementTypeOrSelf(generic.getType(0)))
    return std::nullopt;
  return nll;
}

IntegerAttr ignoreIndexAttr(Builder &b, std::optional<int64_t> ignoreIndex) {
  return ignoreIndex ? b.getI64IntegerAttr(*ignoreIndex) : IntegerAttr();
}

/// The per-token loss -> attic.nll_loss with reduction none.
struct RaisePerTokenNll final : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<PerTokenNll> nll = matchPerTokenNll(op);
    if (!nll)
      return rewriter.notifyMatchFailure(op, "not -lp[n, y[n]] per token");
    rewriter.replaceOpWithNewOp<NllLossOp>(
        op, op.getType(0), nll->logProbs, nll->labels, /*weights=*/Value(),
        Reduction::none, ignoreIndexAttr(rewriter, nll->ignoreIndex));
    return success();
  }
};

/// Whether `value` (a float scalar) is the count of labels that are not
/// `ignoreIndex`: the sitofp (or uitofp) of the one element of an integer
/// reduction of `labels` adding (y != ignore) extended, or without an
/// ignore index the constant number of labels.
bool isLabelCount(Value value, Value labels,
                  std::optional<int64_t> ignoreIndex) {
  auto labelsType = cast<RankedTensorType>(labels.getType());
  FloatAttr constant;
  if (matchPattern(value, m_Constant(&constant)))
    return !ignoreIndex && labelsType.hasStaticShape() &&
           constant.getValueAsDouble() ==
               static_cast<double>(labelsType.getNumElements());
  if (!ignoreIndex ||
      !isa_and_present<arith::SIToFPOp, arith::UIToFPOp>(value.getDefiningOp()))
    return false;
  auto extract =
      value.getDefiningOp()->getOperand(0).getDefiningOp<tensor::ExtractOp>();
  linalg::GenericOp count =
      extract ? genericOf(extract.getTensor(), 1) : linalg::GenericOp();
  if (!count || count.getDpsInputs()[0] != labels ||
      count.getNumReductionLoops() != count.getNumLoops() ||
      !count.getIndexingMapsArray()[0].isIdentity())
    return false;
  auto fill = count.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  if (!fill || !matchPattern(fill.getInputs()[0], m_Zero()))
    return false;
  Block &body = count.getRegion().front();
  auto add = dyn_cast<arith::AddIOp>(cast<linalg::YieldOp>(body.getTerminator())
                                         .getValues()[0]
                                         .getDefiningOp());
  if (!add)
    return false;
  for (auto [acc, one] : {std::pair(add.getLhs(), add.getRhs()),
                          std::pair(add.getRhs(), add.getLhs())}) {
    auto extend = one.getDefiningOp<arith::ExtUIOp>();
    if (acc == body.getArgument(1) && extend &&
        matchLabelIs(extend.getIn(), body.getArgument(0),
                     arith::CmpIPredicate::ne) == ignoreIndex)
      return true;
  }
  return false;
}

/// The reduction of a per-token attic.nll_loss to a scalar: the sum, or
/// the sum of each loss divided by the count of labels not ignored ->
/// attic.nll_loss with reduction sum or mean.
struct RaiseNllReduction final : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    auto perToken = genericOf(op.getResult(0), 1)
                        ? op.getDpsInputs()[0].getDefiningOp<NllLossOp>()
                        : NllLossOp();
    if (!perToken || perToken.getReduction() != Reduction::none ||
        !perToken->hasOneUse() || op.getNumLoops() != 1 ||
        op.getNumReductionLoops() != 1 ||
        !op.getIndexingMapsArray()[0].isIdentity() ||
        cast<RankedTensorType>(op.getType(0)).getRank() != 0)
      return rewriter.notifyMatchFailure(op, "not a sum of per-token losses");
    auto fill = op.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
    if (!fill || !matchPattern(fill.getInputs()[0], m_AnyZeroFloat()))
      return rewriter.notifyMatchFailure(op, "the sum does not start at 0");
    Block &body = op.getRegion().front();
    auto add =
        dyn_cast<arith::AddFOp>(cast<linalg::YieldOp>(body.getTerminator())
                                    .getValues()[0]
                                    .getDefiningOp());
    if (!add || add->getBlock() != &body)
      return rewriter.notifyMatchFailure(op, "the body does not add");
    std::optional<int64_t> ignoreIndex;
    if (IntegerAttr attr = perToken.getIgnoreIndexAttr())
      ignoreIndex = attr.getInt();
    std::optional<Reduction> reduction;
    for (auto [term, acc] : {std::pair(add.getLhs(), add.getRhs()),
                             std::pair(add.getRhs(), add.getLhs())}) {
      if (acc != body.getArgument(1))
        continue;
      if (term == body.getArgument(0)) {
        reduction = Reduction::sum;
      } else if (auto div = term.getDefiningOp<arith::DivFOp>();
                 div && div.getLhs() == body.getArgument(0) &&
                 !op.getRegion().isAncestor(div.getRhs().getParentRegion()) &&
                 isLabelCount(div.getRhs(), perToken.getLabels(),
                              ignoreIndex)) {
        reduction = Reduction::mean;
      }
    }
    if (!reduction)
      return rewriter.notifyMatchFailure(op, "neither a sum nor a mean");
    rewriter.replaceOpWithNewOp<NllLossOp>(
        op, op.getType(0), perToken.getLogProbs(), perToken.getLabels(),
        /*weights=*/Value(), *reduction, perToken.getIgnoreIndexAttr());
    return success();
  }
};

} // namespace

void raise::populateLinalgGenericPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseSoftmaxChain, RaiseLogSoftmaxChain, RaisePerTokenNll,
               RaiseNllReduction>(patterns.getContext());
}
