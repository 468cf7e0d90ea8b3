//===- RaiseTosa.cpp - Softmax and log-softmax from TOSA ------------------===//
//
// TOSA has no softmax operator; frontends spell it with reductions that
// keep the reduced axis (x along axis a; t = x - reduce_max(x, a), or t = x
// when the frontend left the maximum out):
//
//   mul(exp(t), reciprocal(reduce_sum(exp(t), a)))   -> attic.softmax
//   sub(t, log(reduce_sum(exp(t), a)))               -> attic.log_softmax
//
// The attic ops subtract the maximum whatever the spelling.
//
//===----------------------------------------------------------------------===//

#include "passes/raise/Match.h"
#include "passes/raise/Transforms.h"

#include "dialects/attic/AtticOps.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
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

} // namespace

void mlir::attic::populateRaiseTosaPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseTosaSoftmax, RaiseTosaLogSoftmax>(patterns.getContext());
}
