//===- RaiseLosses.cpp - Cross-entropy from ONNX graphs -------------------===//
//
//   SoftmaxCrossEntropyLoss(x, y, w)            -> attic.cross_entropy
//   NegativeLogLikelihoodLoss(LogSoftmax(x, 1), y, w)
//                                               -> attic.cross_entropy
//
// with the reduction and ignore_index kept. A log-softmax spelled out in
// the graph is raised first (RaiseSoftmax.cpp), so the second pattern sees
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

/// Creates attic.cross_entropy for `node`, or fails (leaving `op` as it is)
/// when the types do not fit.
FailureOr<Value> createCrossEntropy(PatternRewriter &rewriter, Operation *op,
                                    const LossNode &node) {
  RankedTensorType logits = rankedFloat(node.logits);
  auto labels = dyn_cast<RankedTensorType>(node.labels.getType());
  if (!logits || logits.getRank() < 2 || !labels ||
      !labels.getElementType().isSignlessInteger())
    return rewriter.notifyMatchFailure(op, "not ranked float logits and "
                                           "integer labels");
  Value weights = node.weights;
  if (isa<NoneType>(weights.getType()))
    weights = Value();
  else if (!rankedFloat(weights))
    return rewriter.notifyMatchFailure(op, "weights not ranked float");
  std::optional<Reduction> reduction = symbolizeReduction(node.reduction);
  if (!reduction)
    return rewriter.notifyMatchFailure(op, "unknown reduction");
  Type elt = logits.getElementType();
  auto lossType = *reduction == Reduction::none
                      ? RankedTensorType::get(labels.getShape(), elt)
                      : RankedTensorType::get({}, elt);
  Type resultType = op->getResult(0).getType();
  if (lossType != resultType &&
      !tensor::CastOp::areCastCompatible(lossType, resultType))
    return rewriter.notifyMatchFailure(op, "loss type does not fit");

  SmallVector<NamedAttribute> attrs = {rewriter.getNamedAttr(
      "reduction", ReductionAttr::get(rewriter.getContext(), *reduction))};
  if (node.ignoreIndex)
    attrs.push_back(rewriter.getNamedAttr(
        "ignore_index", rewriter.getI64IntegerAttr(*node.ignoreIndex)));
  SmallVector<Value> operands = {node.logits, node.labels};
  if (weights)
    operands.push_back(weights);
  auto loss = CrossEntropyOp::create(rewriter, op->getLoc(),
                                     TypeRange{lossType}, operands, attrs);
  return castTo(rewriter, op->getLoc(), loss.getLoss(), resultType);
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
    if (needsLogProb && op.getScores().getType() != logProb.getType() &&
        !tensor::CastOp::areCastCompatible(op.getScores().getType(),
                                           logProb.getType()))
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

/// NLL of a log-softmax along the class axis.
struct RaiseNegativeLogLikelihood final
    : OpRewritePattern<onnxir::NegativeLogLikelihoodLossOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(onnxir::NegativeLogLikelihoodLossOp op,
                                PatternRewriter &rewriter) const override {
    // Through the cast a raise leaves where the graph's type was less
    // precise.
    Value input = op.getInput();
    if (auto cast = input.getDefiningOp<tensor::CastOp>())
      input = cast.getSource();
    Value logits;
    if (auto raised = input.getDefiningOp<LogSoftmaxOp>()) {
      if (raised.getAxisIndex() == 1)
        logits = raised.getInput();
    } else if (auto node = input.getDefiningOp<onnxir::LogSoftmaxOp>()) {
      RankedTensorType type = rankedFloat(node.getInput());
      if (type && normalizeAxis(node.getAxis(), type.getRank()) == 1)
        logits = node.getInput();
    }
    if (!logits)
      return rewriter.notifyMatchFailure(
          op, "input is no log-softmax along axis 1");
    FailureOr<Value> loss =
        createCrossEntropy(rewriter, op,
                           {logits, op.getTarget(), op.getWeight(),
                            op.getReduction(), op.getIgnoreIndex()});
    if (failed(loss))
      return failure();
    rewriter.replaceOp(op, *loss);
    return success();
  }
};

} // namespace

void mlir::attic::populateRaiseLossPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseSoftmaxCrossEntropy, RaiseNegativeLogLikelihood>(
      patterns.getContext());
}
