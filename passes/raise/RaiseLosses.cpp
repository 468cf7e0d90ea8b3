//===- RaiseLosses.cpp - Cross-entropy from ONNX graphs -------------------===//
//
//   SoftmaxCrossEntropyLoss(x, y, w)            -> attic.cross_entropy
//   NegativeLogLikelihoodLoss(LogSoftmax(x, 1), y, w)
//                                               -> attic.cross_entropy
//   cross_entropy(MatMul(h, W) + b | Gemm(h, W, b), y)
//                                               -> attic.linear_cross_entropy
//   (when nothing else reads the logits; a Reshape of [.., V] logits
//   flattens the hidden states instead, and a Slice of them along other
//   axes, as the shifted language-model loss's logits[:, :-1], slices the
//   hidden states)
//
// with the reduction and ignore_index kept, and the comp-sum losses spelled
// on the label's probability p = GatherElements(Softmax(x, 1), Unsqueeze(y,
// 1), 1) (or Exp of the same gather from LogSoftmax; Squeezed or not), then
// ReduceMean / ReduceSum over everything (or neither: a per-token loss
// shaped like the labels, reduction none):
//
//   Neg(Log(p))                                 cross_entropy
//   Neg(log p), log p gathered from LogSoftmax  cross_entropy (also negated
//                                               after the reduction)
//   a Neg(log p) + b Neg(ReduceMean(log      cross_entropy with
//   softmax, classes)), a + b = 1               label_smoothing b
//   Div(Sub(1, Pow(p, q)), q) or Mul(.., 1/q)   generalized_cross_entropy
//   Sub(1, p)                                   mean_absolute_error
//   Sub(Reciprocal(p), 1) or Sub(Div(1, p), 1)  sum_exponential
//
// (axes may count from the end). A log-softmax spelled out in the graph is
// raised first (RaiseSoftmax.cpp), so the second pattern sees
// attic.log_softmax; it takes an onnx.LogSoftmax node too.
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

/// The ONNX loss node's operands and attributes.
struct LossNode {
  Value logits, labels, weights;
  StringRef reduction;
  std::optional<int64_t> ignoreIndex;
};

/// Creates `LossOp` (attic.cross_entropy of logits, attic.nll_loss of
/// log-probabilities) for `node`, or fails (leaving `op` as it is) when the
/// types do not fit.
template <typename LossOp = CrossEntropyOp>
FailureOr<Value> createLoss(PatternRewriter &rewriter, Operation *op,
                            const LossNode &node) {
  RankedTensorType logits = rankedFloat(node.logits);
  auto labels = dyn_cast<RankedTensorType>(node.labels.getType());
  if (!logits || logits.getRank() < 2 || !labels ||
      !labels.getElementType().isSignlessInteger())
    return rewriter.notifyMatchFailure(op, "not ranked float logits and "
                                           "integer labels");
  Value weights = node.weights;
  if (weights && isa<NoneType>(weights.getType()))
    weights = Value();
  else if (weights && !rankedFloat(weights))
    return rewriter.notifyMatchFailure(op, "weights not ranked float");
  std::optional<Reduction> reduction = symbolizeReduction(node.reduction);
  if (!reduction)
    return rewriter.notifyMatchFailure(op, "unknown reduction");
  Type elt = logits.getElementType();
  auto lossType = *reduction == Reduction::none
                      ? RankedTensorType::get(labels.getShape(), elt)
                      : RankedTensorType::get({}, elt);
  Type resultType = op->getResult(0).getType();
  if (!castsTo(lossType, resultType))
    return rewriter.notifyMatchFailure(op, "loss type does not fit");

  SmallVector<NamedAttribute> attrs = {rewriter.getNamedAttr(
      "reduction", ReductionAttr::get(rewriter.getContext(), *reduction))};
  if (node.ignoreIndex)
    attrs.push_back(rewriter.getNamedAttr(
        "ignore_index", rewriter.getI64IntegerAttr(*node.ignoreIndex)));
  SmallVector<Value> operands = {node.logits, node.labels};
  if (weights)
    operands.push_back(weights);
  auto loss = LossOp::create(rewriter, op->getLoc(), TypeRange{lossType},
                             operands, attrs);
  return castTo(rewriter, op->getLoc(), loss.getLoss(), resultType);
}

FailureOr<Value> createCrossEntropy(PatternRewriter &rewriter, Operation *op,
                                    const LossNode &node) {
  return createLoss<CrossEntropyOp>(rewriter, op, node);
}

struct RaiseSoftmaxCrossEntropy final
    : OpRewritePattern<onnxir::SoftmaxCrossEntropyLossOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(onnxir::SoftmaxCrossEntropyLossOp op,
                                PatternRewriter &rewriter) const override {
    // A used log_prob output becomes the log-softmax along the classes.
    Value logProb = op.getLogProb();
    bool needsLogProb =
        !isa<NoneType>(logProb.getType()) && !logProb.use_empty();
    if (needsLogProb && !castsTo(op.getScores().getType(), logProb.getType()))
      return rewriter.notifyMatchFailure(op, "log_prob type does not fit");
    FailureOr<Value> loss =
        createCrossEntropy(rewriter, op,
                           {op.getScores(), op.getLabels(), op.getWeights(),
                            op.getReduction(), op.getIgnoreIndex()});
    if (failed(loss))
      return failure();
    // An absent or unused log_prob has no uses to replace.
    Value replacement;
    if (needsLogProb)
      replacement = castTo(
          rewriter, op.getLoc(),
          LogSoftmaxOp::create(rewriter, op.getLoc(), op.getScores().getType(),
                               op.getScores(), rewriter.getI64IntegerAttr(1)),
          logProb.getType());
    rewriter.replaceOp(op, {*loss, replacement});
    return success();
  }
};

/// NLL of a log-softmax along the class axis: cross_entropy of its input;
/// of anything else: nll_loss.
struct RaiseNegativeLogLikelihood final
    : OpRewritePattern<onnxir::NegativeLogLikelihoodLossOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(onnxir::NegativeLogLikelihoodLossOp op,
                                PatternRewriter &rewriter) const override {
    LossNode node = {op.getInput(), op.getTarget(), op.getWeight(),
                     op.getReduction(), op.getIgnoreIndex()};
    // Through the cast a raise leaves where the graph's type was less
    // precise.
    Value input = stripCasts(op.getInput());
    Value logits;
    if (auto raised = input.getDefiningOp<LogSoftmaxOp>()) {
      if (raised.getAxisIndex() == 1)
        logits = raised.getInput();
    } else if (auto node = input.getDefiningOp<onnxir::LogSoftmaxOp>()) {
      RankedTensorType type = rankedFloat(node.getInput());
      if (type && normalizeAxis(node.getAxis(), type.getRank()) == 1)
        logits = node.getInput();
    }
    FailureOr<Value> loss = failure();
    if (logits) {
      node.logits = logits;
      loss = createCrossEntropy(rewriter, op, node);
    } else {
      loss = createLoss<NllLossOp>(rewriter, op, node);
    }
    if (failed(loss))
      return failure();
    rewriter.replaceOp(op, *loss);
    return success();
  }
};

/// Whether `axes` is the one axis `axis` of a tensor of rank `rank`
/// (negative counting from the end).
bool isOnlyAxis(Value axes, int64_t axis, int64_t rank) {
  std::optional<SmallVector<int64_t>> a = constantInts(axes);
  return a && a->size() == 1 && normalizeAxis((*a)[0], rank) == axis;
}

/// The logits x and labels y of p = the label's probability, spelled as
/// GatherElements(Softmax(x, 1), Unsqueeze(y, [1]), axis = 1) or Exp of
/// the same gather from LogSoftmax(x, 1), either Squeezed on axis 1 (axes
/// also counted from the end). With `logSpace`, p is the label's
/// log-probability: the gather from LogSoftmax without Exp.
std::optional<std::pair<Value, Value>>
matchLabelProbability(Value p, bool logSpace = false) {
  p = stripCasts(p);
  if (auto squeeze = p.getDefiningOp<onnxir::SqueezeOp>()) {
    RankedTensorType data = rankedFloat(squeeze.getData());
    if (!data || !isOnlyAxis(squeeze.getAxes(), 1, data.getRank()))
      return std::nullopt;
    p = stripCasts(squeeze.getData());
  }
  if (auto exp = p.getDefiningOp<onnxir::ExpOp>(); exp && !logSpace) {
    logSpace = true;
    p = stripCasts(exp.getX());
  }
  auto gather = p.getDefiningOp<onnxir::GatherElementsOp>();
  RankedTensorType gathered = gather ? rankedFloat(gather.getData()) : nullptr;
  if (!gathered || normalizeAxis(gather.getAxis(), gathered.getRank()) != 1)
    return std::nullopt;
  auto unsqueeze = gather.getIndices().getDefiningOp<onnxir::UnsqueezeOp>();
  auto indices =
      unsqueeze ? dyn_cast<RankedTensorType>(unsqueeze.getExpanded().getType())
                : nullptr;
  if (!indices || !isOnlyAxis(unsqueeze.getAxes(), 1, indices.getRank()))
    return std::nullopt;
  Value probs = stripCasts(gather.getData());
  Value logits;
  if (logSpace) {
    if (auto ls = probs.getDefiningOp<LogSoftmaxOp>();
        ls && ls.getAxisIndex() == 1)
      logits = ls.getInput();
  } else if (auto sm = probs.getDefiningOp<SoftmaxOp>();
             sm && sm.getAxisIndex() == 1) {
    logits = sm.getInput();
  }
  if (!logits)
    return std::nullopt;
  return std::make_pair(logits, unsqueeze.getData());
}

/// A comp-sum loss of the label's probability: its kind, q, and p.
struct CompSum {
  LossKind kind;
  std::optional<double> q;
  Value p;
};

bool isOne(Value v) { return constantFloat(v) == 1.0; }

/// The comp-sum loss that `loss` spells per token, if any.
std::optional<CompSum> matchCompSum(Value loss) {
  loss = stripCasts(loss);
  // -log p.
  if (auto neg = loss.getDefiningOp<onnxir::NegOp>())
    if (auto log = neg.getX().getDefiningOp<onnxir::LogOp>())
      return CompSum{LossKind::cross_entropy, std::nullopt, log.getX()};
  // (1 - p^q) / q, or (1 - p^q) * (1 / q).
  Value numerator;
  std::optional<double> scale;
  if (auto div = loss.getDefiningOp<onnxir::DivOp>()) {
    numerator = div.getA();
    if (std::optional<double> d = constantFloat(div.getB()); d && *d != 0)
      scale = 1.0 / *d;
  } else if (auto mul = loss.getDefiningOp<onnxir::MulOp>()) {
    numerator = mul.getA();
    scale = constantFloat(mul.getB());
  }
  if (numerator && scale)
    if (auto sub = numerator.getDefiningOp<onnxir::SubOp>();
        sub && isOne(sub.getA()))
      if (auto pow = sub.getB().getDefiningOp<onnxir::PowOp>())
        if (std::optional<double> q = constantFloat(pow.getY());
            q && *q > 0 && *q <= 1 && std::abs(*scale * *q - 1.0) <= 1e-6)
          return CompSum{LossKind::generalized_cross_entropy, *q, pow.getX()};
  if (auto sub = loss.getDefiningOp<onnxir::SubOp>()) {
    // 1 - p.
    if (isOne(sub.getA()))
      return CompSum{LossKind::mean_absolute_error, std::nullopt, sub.getB()};
    // 1 / p - 1.
    if (isOne(sub.getB())) {
      if (auto rec = sub.getA().getDefiningOp<onnxir::ReciprocalOp>())
        return CompSum{LossKind::sum_exponential, std::nullopt, rec.getX()};
      if (auto div = sub.getA().getDefiningOp<onnxir::DivOp>();
          div && isOne(div.getA()))
        return CompSum{LossKind::sum_exponential, std::nullopt, div.getB()};
    }
  }
  return std::nullopt;
}

/// Replaces `root` (the loss value's defining op) by attic.cross_entropy
/// of the comp-sum loss `perToken` with `reduction`.
/// Label-smoothed cross-entropy written out (as timm and many training
/// scripts do): a nll + b smooth with a + b = 1, nll = -log p_y gathered
/// from a log-softmax and smooth = -ReduceMean(log p, classes) of the same
/// one; the logits, labels and the smoothing b.
struct Smoothed {
  Value logits, labels;
  double smoothing;
};

std::optional<Smoothed> matchSmoothed(Value perToken) {
  auto add = stripCasts(perToken).getDefiningOp<onnxir::AddOp>();
  if (!add)
    return std::nullopt;
  // x * c (either order), the term and its factor.
  auto scaled = [](Value v) -> std::optional<std::pair<Value, double>> {
    auto mul = stripCasts(v).getDefiningOp<onnxir::MulOp>();
    if (!mul)
      return std::nullopt;
    if (std::optional<double> c = constantFloat(mul.getB()))
      return std::make_pair(mul.getA(), *c);
    if (std::optional<double> c = constantFloat(mul.getA()))
      return std::make_pair(mul.getB(), *c);
    return std::nullopt;
  };
  auto x = scaled(add.getA()), y = scaled(add.getB());
  if (!x || !y)
    return std::nullopt;
  for (auto [nllTerm, smoothTerm] : {std::pair(*x, *y), std::pair(*y, *x)}) {
    auto nll = stripCasts(nllTerm.first).getDefiningOp<onnxir::NegOp>();
    auto smooth = stripCasts(smoothTerm.first).getDefiningOp<onnxir::NegOp>();
    if (!nll || !smooth ||
        std::abs(nllTerm.second + smoothTerm.second - 1.0) > 1e-6 ||
        smoothTerm.second < 0 || smoothTerm.second > 1)
      continue;
    auto operands = matchLabelProbability(nll.getX(), /*logSpace=*/true);
    auto mean = stripCasts(smooth.getX()).getDefiningOp<onnxir::ReduceMeanOp>();
    if (!operands || !mean || mean.getKeepdims() != 0)
      continue;
    // The mean over the classes of the same log-softmax.
    auto ls = stripCasts(mean.getData()).getDefiningOp<LogSoftmaxOp>();
    RankedTensorType type = rankedFloat(mean.getData());
    if (!ls || ls.getAxisIndex() != 1 || ls.getInput() != operands->first ||
        !type || !isOnlyAxis(mean.getAxes(), 1, type.getRank()))
      continue;
    return Smoothed{operands->first, operands->second, smoothTerm.second};
  }
  return std::nullopt;
}

LogicalResult raiseCompSum(PatternRewriter &rewriter, Operation *root,
                           Value perToken, Reduction reduction) {
  std::optional<CompSum> loss = matchCompSum(perToken);
  std::optional<std::pair<Value, Value>> operands;
  std::optional<double> smoothing;
  // -log p_y gathered from the log-softmax: cross-entropy.
  if (auto neg = stripCasts(perToken).getDefiningOp<onnxir::NegOp>())
    if ((operands = matchLabelProbability(neg.getX(), /*logSpace=*/true)))
      loss = CompSum{LossKind::cross_entropy, std::nullopt, Value()};
  // The same with label smoothing written out.
  if (std::optional<Smoothed> smoothed = matchSmoothed(perToken)) {
    operands = std::make_pair(smoothed->logits, smoothed->labels);
    loss = CompSum{LossKind::cross_entropy, std::nullopt, Value()};
    smoothing = smoothed->smoothing;
  }
  if (!loss)
    return rewriter.notifyMatchFailure(root, "no comp-sum loss of p_y");
  if (!operands)
    operands = matchLabelProbability(loss->p);
  if (!operands)
    return rewriter.notifyMatchFailure(root, "p is not the label's softmax");
  auto [logits, labels] = *operands;
  FailureOr<Value> raised = createCrossEntropy(
      rewriter, root,
      {logits, labels, Value(), stringifyReduction(reduction), std::nullopt});
  if (failed(raised))
    return failure();
  // The kind and q on the op just created.
  auto ce = stripCasts(*raised).getDefiningOp<CrossEntropyOp>();
  ce.setKind(loss->kind);
  if (loss->q)
    ce.setQAttr(rewriter.getF64FloatAttr(*loss->q));
  if (smoothing)
    ce.setLabelSmoothingAttr(rewriter.getF64FloatAttr(*smoothing));
  rewriter.replaceOp(root, *raised);
  return success();
}

/// ReduceMean / ReduceSum over every axis of a comp-sum loss.
template <typename ReduceOp, Reduction kReduction>
struct RaiseReducedCompSum final : OpRewritePattern<ReduceOp> {
  using OpRewritePattern<ReduceOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceOp op,
                                PatternRewriter &rewriter) const override {
    if (!isa<NoneType>(op.getAxes().getType()) || op.getKeepdims() != 0 ||
        op.getNoopWithEmptyAxes() != 0)
      return rewriter.notifyMatchFailure(op, "not a reduction of everything");
    return raiseCompSum(rewriter, op, op.getData(), kReduction);
  }
};

/// Whether `op` reduces everything (what RaiseReducedCompSum takes).
bool reducesEverything(Operation *op) {
  auto check = [](auto reduce) {
    return isa<NoneType>(reduce.getAxes().getType()) &&
           reduce.getKeepdims() == 0 && reduce.getNoopWithEmptyAxes() == 0;
  };
  if (auto mean = dyn_cast<onnxir::ReduceMeanOp>(op))
    return check(mean);
  if (auto sum = dyn_cast<onnxir::ReduceSumOp>(op))
    return check(sum);
  return false;
}

/// The cross-entropy negated after its reduction: Neg(ReduceMean(log p_y))
/// or Neg(ReduceSum(log p_y)), log p_y gathered from the log-softmax.
struct RaiseNegatedReducedLogProb final : OpRewritePattern<onnxir::NegOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(onnxir::NegOp op,
                                PatternRewriter &rewriter) const override {
    Operation *reduce = stripCasts(op.getX()).getDefiningOp();
    if (!reduce || !reducesEverything(reduce))
      return rewriter.notifyMatchFailure(op, "not a negated reduction");
    auto operands = matchLabelProbability(reduce->getOperand(0),
                                          /*logSpace=*/true);
    if (!operands)
      return rewriter.notifyMatchFailure(op, "not of log p_y");
    Reduction reduction =
        isa<onnxir::ReduceMeanOp>(reduce) ? Reduction::mean : Reduction::sum;
    FailureOr<Value> loss =
        createCrossEntropy(rewriter, op,
                           {operands->first, operands->second, Value(),
                            stringifyReduction(reduction), std::nullopt});
    if (failed(loss))
      return failure();
    rewriter.replaceOp(op, *loss);
    return success();
  }
};

/// A per-token comp-sum loss shaped like the labels that is not only
/// reduced: reduction none.
template <typename OpTy>
struct RaisePerTokenCompSum final : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Operation *root = op;
    if (!root->use_empty() && llvm::all_of(root->getUsers(), reducesEverything))
      return rewriter.notifyMatchFailure(op, "the reduction raises it");
    return raiseCompSum(rewriter, op, root->getResult(0), Reduction::none);
  }
};

//===----------------------------------------------------------------------===//
// NegativeLogLikelihoodLoss written out (ONNX's function body of the op)
//===----------------------------------------------------------------------===//

bool isZero(Value v) {
  v = stripCasts(v);
  if (auto sub = v.getDefiningOp<onnxir::SubOp>())
    return sub.getA() == sub.getB(); // x - x, a zero of x's type.
  if (std::optional<double> f = constantFloat(v))
    return *f == 0.0;
  std::optional<SmallVector<int64_t>> ints = constantInts(v);
  return ints && !ints->empty() &&
         llvm::all_of(*ints, [](int64_t i) { return i == 0; });
}

bool hasAxes(Value axes, int64_t axis) {
  return constantInts(axes) == SmallVector<int64_t>{axis};
}

/// The targets as gathered along the classes: Unsqueeze(target, [1]), or,
/// with an ignore index, Where(mask, 0, Unsqueeze(target, [1])) where mask
/// = Equal(Unsqueeze(target, [1]) (cast or not), ignore_index).
struct NllTargets {
  Value target, expanded, mask;
  std::optional<int64_t> ignoreIndex;
};

std::optional<NllTargets> matchUnsqueezedTarget(Value v) {
  auto unsqueeze = stripCasts(v).getDefiningOp<onnxir::UnsqueezeOp>();
  if (!unsqueeze || !hasAxes(unsqueeze.getAxes(), 1))
    return std::nullopt;
  return NllTargets{unsqueeze.getData(), unsqueeze.getExpanded(), Value(),
                    std::nullopt};
}

/// mask = Equal(expanded or Cast(expanded), ignore_index).
std::optional<int64_t> matchIgnoreMask(Value mask, Value expanded) {
  auto equal = stripCasts(mask).getDefiningOp<onnxir::EqualOp>();
  if (!equal)
    return std::nullopt;
  Value lhs = stripCasts(equal.getA());
  if (auto cast = lhs.getDefiningOp<onnxir::CastOp>())
    lhs = cast.getInput();
  std::optional<SmallVector<int64_t>> index = constantInts(equal.getB());
  if (lhs != expanded || !index || index->size() != 1)
    return std::nullopt;
  return index->front();
}

std::optional<NllTargets> matchNllTargets(Value v) {
  if (auto plain = matchUnsqueezedTarget(v))
    return plain;
  auto where = stripCasts(v).getDefiningOp<onnxir::WhereOp>();
  if (!where || !isZero(where.getX()))
    return std::nullopt;
  std::optional<NllTargets> targets = matchUnsqueezedTarget(where.getY());
  if (!targets)
    return std::nullopt;
  targets->ignoreIndex =
      matchIgnoreMask(where.getCondition(), targets->expanded);
  if (!targets->ignoreIndex)
    return std::nullopt;
  targets->mask = where.getCondition();
  return targets;
}

/// `v` = Where(mask, 0, x): x; or `v` itself without a mask.
Value unmasked(Value v, Value mask) {
  if (!mask)
    return v;
  auto where = stripCasts(v).getDefiningOp<onnxir::WhereOp>();
  if (!where || where.getCondition() != mask || !isZero(where.getX()))
    return Value();
  return where.getY();
}

/// A loss node matched: the operands of NegativeLogLikelihoodLoss.
struct NllMatch {
  Value input, target, weight;
  std::optional<int64_t> ignoreIndex;
  /// The targets as gathered, and where the target is the ignore index
  /// (null without one).
  Value indices, mask;
  /// The applied weight of each position (null when it is 1 everywhere).
  Value appliedWeight;
};

/// The unweighted loss per position: Squeeze(Slice(Neg(gathered), 0, 1,
/// axis 1), [1]), the Slice optional, with gathered =
/// GatherElements(input, targets, axis = 1), masked when ignoring.
std::optional<NllMatch> matchUnweightedNll(Value v) {
  auto squeeze = stripCasts(v).getDefiningOp<onnxir::SqueezeOp>();
  if (!squeeze || !hasAxes(squeeze.getAxes(), 1))
    return std::nullopt;
  Value sliced = stripCasts(squeeze.getData());
  if (auto slice = sliced.getDefiningOp<onnxir::SliceOp>()) {
    if (constantInts(slice.getStarts()) != SmallVector<int64_t>{0} ||
        constantInts(slice.getEnds()) != SmallVector<int64_t>{1} ||
        !hasAxes(slice.getAxes(), 1) ||
        !(isa<NoneType>(slice.getSteps().getType()) ||
          constantInts(slice.getSteps()) == SmallVector<int64_t>{1}))
      return std::nullopt;
    sliced = stripCasts(slice.getData());
  }
  auto neg = sliced.getDefiningOp<onnxir::NegOp>();
  if (!neg)
    return std::nullopt;
  // The mask is known only from the gather's indices: match those first.
  Value gathered = stripCasts(neg.getX());
  auto where = gathered.getDefiningOp<onnxir::WhereOp>();
  if (where)
    gathered = stripCasts(where.getY());
  auto gather = gathered.getDefiningOp<onnxir::GatherElementsOp>();
  if (!gather || gather.getAxis() != 1)
    return std::nullopt;
  std::optional<NllTargets> targets = matchNllTargets(gather.getIndices());
  if (!targets || (where != nullptr) != (targets->mask != nullptr) ||
      (where && unmasked(where.getResult(), targets->mask) != gathered))
    return std::nullopt;
  return NllMatch{
      gather.getData(),    targets->target, Value(), targets->ignoreIndex,
      gather.getIndices(), targets->mask,   Value()};
}

/// Completes `m` with the weight applied per position, `w`:
/// Gather(weight, target) without an ignore index;
/// Squeeze(Where(mask, 0, Gather(weight, targets)), [1]) with one; or
/// Where(Squeeze(mask, [1]), 0, 1) with one but no weight.
bool matchAppliedWeight(Value w, NllMatch &m) {
  w = stripCasts(w);
  if (!m.mask) {
    auto gather = w.getDefiningOp<onnxir::GatherOp>();
    if (!gather || gather.getAxis() != 0 ||
        stripCasts(gather.getIndices()) != stripCasts(m.target))
      return false;
    m.weight = gather.getData();
  } else if (auto squeeze = w.getDefiningOp<onnxir::SqueezeOp>()) {
    if (!hasAxes(squeeze.getAxes(), 1))
      return false;
    Value gathered = unmasked(squeeze.getData(), m.mask);
    auto gather = gathered
                      ? stripCasts(gathered).getDefiningOp<onnxir::GatherOp>()
                      : onnxir::GatherOp();
    if (!gather || gather.getAxis() != 0 ||
        stripCasts(gather.getIndices()) != stripCasts(m.indices))
      return false;
    m.weight = gather.getData();
  } else if (auto where = w.getDefiningOp<onnxir::WhereOp>()) {
    auto squeeze =
        stripCasts(where.getCondition()).getDefiningOp<onnxir::SqueezeOp>();
    if (!squeeze || !hasAxes(squeeze.getAxes(), 1) ||
        squeeze.getData() != m.mask || !isZero(where.getX()) ||
        constantFloat(where.getY()) != 1.0)
      return false;
  } else {
    return false;
  }
  m.appliedWeight = w;
  return true;
}

/// The weighted loss per position: Mul(unweighted, applied weight) in
/// either order, or the unweighted loss alone (no weight; ignored positions
/// are 0 in it, but a mean needs their count).
std::optional<NllMatch> matchPerPositionNll(Value v) {
  if (std::optional<NllMatch> plain = matchUnweightedNll(v))
    return plain;
  auto mul = stripCasts(v).getDefiningOp<onnxir::MulOp>();
  if (!mul)
    return std::nullopt;
  for (auto [loss, weight] :
       {std::pair(mul.getA(), mul.getB()), std::pair(mul.getB(), mul.getA())}) {
    std::optional<NllMatch> m = matchUnweightedNll(loss);
    if (!m)
      continue;
    if (matchAppliedWeight(weight, *m))
      return m;
  }
  return std::nullopt;
}

/// The loss `op` computes, if it ends an NLL written out: the per-position
/// loss (reduction none), its ReduceSum (sum), or its mean, ReduceMean
/// without weights and ignore index, else Div(ReduceSum(loss),
/// ReduceSum(applied weight)).
std::optional<std::pair<NllMatch, Reduction>> matchNllLoss(Operation *op) {
  if (op->getNumResults() != 1)
    return std::nullopt;
  if (isa<onnxir::ReduceSumOp, onnxir::ReduceMeanOp>(op)) {
    if (!reducesEverything(op))
      return std::nullopt;
    std::optional<NllMatch> m = matchPerPositionNll(op->getOperand(0));
    if (!m)
      return std::nullopt;
    if (isa<onnxir::ReduceSumOp>(op))
      return std::pair(*m, Reduction::sum);
    if (m->ignoreIndex || m->weight)
      return std::nullopt; // Their mean divides by the applied weights.
    return std::pair(*m, Reduction::mean);
  }
  if (auto div = dyn_cast<onnxir::DivOp>(op)) {
    Operation *total = stripCasts(div.getA()).getDefiningOp();
    Operation *weights = stripCasts(div.getB()).getDefiningOp();
    if (!isa_and_nonnull<onnxir::ReduceSumOp>(total) ||
        !isa_and_nonnull<onnxir::ReduceSumOp>(weights) ||
        !reducesEverything(total) || !reducesEverything(weights))
      return std::nullopt;
    std::optional<NllMatch> m = matchPerPositionNll(total->getOperand(0));
    if (!m || !m->appliedWeight ||
        stripCasts(weights->getOperand(0)) != m->appliedWeight)
      return std::nullopt;
    return std::pair(*m, Reduction::mean);
  }
  if (!isa<onnxir::SqueezeOp, onnxir::MulOp>(op))
    return std::nullopt;
  if (std::optional<NllMatch> m = matchPerPositionNll(op->getResult(0)))
    return std::pair(*m, Reduction::none);
  return std::nullopt;
}

/// An NLL written out -> attic.nll_loss, at the largest op that ends one:
/// an op whose users all end an NLL is left to them.
template <typename OpTy>
struct RaiseWrittenOutNll final : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Operation *root = op;
    auto loss = matchNllLoss(root);
    if (!loss)
      return rewriter.notifyMatchFailure(op, "not the end of an NLL");
    if (!root->use_empty() && llvm::all_of(root->getUsers(), [](Operation *u) {
          return matchNllLoss(u).has_value();
        }))
      return rewriter.notifyMatchFailure(op, "its users end a larger NLL");
    auto [m, reduction] = *loss;
    FailureOr<Value> raised =
        createLoss<NllLossOp>(rewriter, root,
                              {m.input, m.target, m.weight,
                               stringifyReduction(reduction), m.ignoreIndex});
    if (failed(raised))
      return failure();
    rewriter.replaceOp(root, *raised);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// A classifier matmul feeding the loss
//===----------------------------------------------------------------------===//

/// The classifier head of a loss: logits = hidden [N, D] . classifier^T
/// + bias, classifier [V, D].
struct ClassifierHead {
  Value hidden, classifier, bias;
  /// Whether `classifier` is given as [D, V] and needs a transpose.
  bool transposed = false;
  /// Whether `hidden` is [.., D] and needs flattening to [N, D].
  bool flatten = false;
  /// A Slice of the logits along other axes than the classes (the shifted
  /// language-model loss's logits[:, :-1]), to apply to `hidden` instead.
  onnxir::SliceOp slice;
};

/// Whether `v`'s only use is the loss (through casts): the logits are not
/// needed otherwise, so fusing them away saves their N x V buffer.
bool onlyFeedsLoss(Value v) {
  while (v.hasOneUse()) {
    Operation *user = *v.getUsers().begin();
    if (isa<CrossEntropyOp>(user))
      return true;
    if (!isa<tensor::CastOp, onnxir::ReshapeOp, onnxir::SliceOp>(user))
      return false;
    v = user->getResult(0);
  }
  return false;
}

/// MatMul(hidden, W [D, V]) (+ bias), Gemm(hidden, B, C) with alpha 1 and
/// beta 1, or a Reshape to [N, V] of a MatMul of [.., D] hidden states.
std::optional<ClassifierHead> matchClassifierHead(Value logits) {
  logits = stripCasts(logits);
  ClassifierHead head;
  if (auto reshape = logits.getDefiningOp<onnxir::ReshapeOp>()) {
    head.flatten = true;
    logits = stripCasts(reshape.getData());
  }
  if (auto slice = logits.getDefiningOp<onnxir::SliceOp>()) {
    RankedTensorType type = rankedFloat(slice.getData());
    std::optional<SmallVector<int64_t>> axes =
        isa<NoneType>(slice.getAxes().getType())
            ? std::nullopt
            : constantInts(slice.getAxes());
    if (!type || !axes || llvm::any_of(*axes, [&](int64_t a) {
          return normalizeAxis(a, type.getRank()) == type.getRank() - 1;
        }))
      return std::nullopt;
    head.slice = slice;
    logits = stripCasts(slice.getData());
  }
  if (auto add = logits.getDefiningOp<onnxir::AddOp>()) {
    for (auto [product, bias] : {std::pair(add.getA(), add.getB()),
                                 std::pair(add.getB(), add.getA())}) {
      RankedTensorType b = rankedFloat(bias);
      if (stripCasts(product).getDefiningOp<onnxir::MatMulOp>() && b &&
          b.getRank() == 1) {
        head.bias = bias;
        logits = stripCasts(product);
        break;
      }
    }
  }
  if (auto matmul = logits.getDefiningOp<onnxir::MatMulOp>()) {
    RankedTensorType w = rankedFloat(matmul.getB());
    if (!w || w.getRank() != 2)
      return std::nullopt;
    head.hidden = matmul.getA();
    head.classifier = matmul.getB();
    head.transposed = true;
    return head;
  }
  auto gemm = logits.getDefiningOp<onnxir::GemmOp>();
  if (!gemm || head.bias || head.flatten || gemm.getTransA() != 0 ||
      gemm.getAlpha().convertToDouble() != 1.0)
    return std::nullopt;
  head.hidden = gemm.getA();
  head.classifier = gemm.getB();
  head.transposed = gemm.getTransB() == 0;
  if (!isa<NoneType>(gemm.getC().getType())) {
    RankedTensorType c = rankedFloat(gemm.getC());
    if (!c || c.getRank() != 1 || gemm.getBeta().convertToDouble() != 1.0)
      return std::nullopt;
    head.bias = gemm.getC();
  }
  return head;
}

/// cross_entropy(classifier head) -> linear_cross_entropy, when nothing
/// else reads the logits.
struct RaiseLinearCrossEntropy final : OpRewritePattern<CrossEntropyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CrossEntropyOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    std::optional<ClassifierHead> head = matchClassifierHead(op.getLogits());
    if (!head)
      return rewriter.notifyMatchFailure(op, "logits are no classifier "
                                             "matmul");
    Value product = stripCasts(op.getLogits());
    if (auto reshape = product.getDefiningOp<onnxir::ReshapeOp>())
      product = stripCasts(reshape.getData());
    if (head->slice)
      product = stripCasts(head->slice.getData());
    if (!onlyFeedsLoss(stripCasts(product)))
      return nearMiss(rewriter, op,
                      "not fused with its classifier matmul: the logits are "
                      "used elsewhere");
    RankedTensorType logits = op.getLogits().getType();
    RankedTensorType hidden = rankedFloat(head->hidden);
    RankedTensorType classifier = rankedFloat(head->classifier);
    if (logits.getRank() != 2 || !hidden || !classifier ||
        hidden.getElementType() != logits.getElementType() ||
        classifier.getElementType() != logits.getElementType() ||
        (head->bias &&
         rankedFloat(head->bias).getElementType() != logits.getElementType()))
      return nearMiss(rewriter, op,
                      "not [N, V] logits of one "
                      "element type");
    int64_t d = hidden.getShape().back();
    RankedTensorType productType = rankedFloat(product);
    if (head->flatten ? hidden.getRank() < 2 : hidden.getRank() != 2)
      return nearMiss(rewriter, op, "hidden states of another rank");
    if (!productType || productType.getShape().back() != logits.getDimSize(1))
      return nearMiss(rewriter, op,
                      "the reshape does not keep the "
                      "classes last");
    Value h = head->hidden;
    if (head->slice) {
      // The same slice of the hidden states: [.., D] with the logits'
      // sliced sizes.
      RankedTensorType sliced = rankedFloat(head->slice.getResult());
      if (!sliced || hidden.getRank() != productType.getRank())
        return nearMiss(rewriter, op, "a slice of broadcast logits");
      SmallVector<int64_t> shape(sliced.getShape().drop_back());
      shape.push_back(d);
      h = onnxir::SliceOp::create(
          rewriter, loc, RankedTensorType::get(shape, hidden.getElementType()),
          h, head->slice.getStarts(), head->slice.getEnds(),
          head->slice.getAxes(), head->slice.getSteps());
      hidden = cast<RankedTensorType>(h.getType());
    }
    if (head->flatten) {
      if (ShapedType::isDynamic(d))
        return nearMiss(rewriter, op, "dynamic hidden size");
      h = onnxir::ReshapeOp::create(
          rewriter, loc,
          RankedTensorType::get({logits.getDimSize(0), d},
                                hidden.getElementType()),
          h, i64Constant(rewriter, loc, {-1, d}));
    }
    Value c = head->classifier;
    if (head->transposed)
      c = onnxir::TransposeOp::create(
          rewriter, loc,
          RankedTensorType::get(
              {classifier.getDimSize(1), classifier.getDimSize(0)},
              classifier.getElementType()),
          c, rewriter.getI64ArrayAttr({1, 0}));
    Type lseType = op.getLse() ? op.getLse().getType() : Type();
    auto fused = LinearCrossEntropyOp::create(
        rewriter, loc, op.getLoss().getType(), lseType, h, c, op.getLabels(),
        head->bias, op.getWeights(), /*softcap=*/FloatAttr(),
        op.getReductionAttr(), op.getIgnoreIndexAttr(),
        op.getLabelSmoothingAttr(), op.getZLossAttr(), op.getKindAttr(),
        op.getQAttr());
    rewriter.replaceOp(op, fused->getResults());
    return success();
  }
};

} // namespace

void mlir::attic::populateRaiseLossPatterns(RewritePatternSet &patterns) {
  patterns.add<
      RaiseSoftmaxCrossEntropy, RaiseNegativeLogLikelihood,
      RaiseReducedCompSum<onnxir::ReduceMeanOp, Reduction::mean>,
      RaiseReducedCompSum<onnxir::ReduceSumOp, Reduction::sum>,
      RaisePerTokenCompSum<onnxir::NegOp>, RaisePerTokenCompSum<onnxir::DivOp>,
      RaisePerTokenCompSum<onnxir::MulOp>, RaisePerTokenCompSum<onnxir::SubOp>,
      RaisePerTokenCompSum<onnxir::AddOp>,
      RaiseWrittenOutNll<onnxir::SqueezeOp>, RaiseWrittenOutNll<onnxir::MulOp>,
      RaiseWrittenOutNll<onnxir::ReduceSumOp>,
      RaiseWrittenOutNll<onnxir::ReduceMeanOp>,
      RaiseWrittenOutNll<onnxir::DivOp>, RaiseNegatedReducedLogProb,
      RaiseLinearCrossEntropy>(patterns.getContext());
}
