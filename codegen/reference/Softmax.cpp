//===- Softmax.cpp - Reference lowering of the softmax family -------------===//
//
// softmax, log_softmax and logsumexp as a three-pass stable softmax: the row
// maximum, the sum of exponentials, then one elementwise pass.
//
//===----------------------------------------------------------------------===//

#include "codegen/reference/Builders.h"
#include "codegen/reference/Reference.h"
#include "dialects/attic/AtticOps.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::reference;

namespace {

/// Lowers `op` of the softmax family, computing `kind`.
template <typename OpTy, SoftmaxKind kind>
struct LowerSoftmaxFamily final : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t axis = op.getAxisIndex();
    bool keepDim = false;
    if constexpr (std::is_same_v<OpTy, LogSumExpOp>)
      keepDim = op.getKeepDim();
    RowStats stats = buildRowStats(rewriter, loc, op.getInput(), axis);
    rewriter.replaceOp(op,
                       softmaxFromStats(rewriter, loc, kind, op.getInput(),
                                        axis, keepDim, op.getType(), stats));
    return success();
  }
};

} // namespace

void mlir::attic::populateSoftmaxReferencePatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerSoftmaxFamily<SoftmaxOp, SoftmaxKind::softmax>,
               LowerSoftmaxFamily<LogSoftmaxOp, SoftmaxKind::log_softmax>,
               LowerSoftmaxFamily<LogSumExpOp, SoftmaxKind::logsumexp>>(
      patterns.getContext());
}
