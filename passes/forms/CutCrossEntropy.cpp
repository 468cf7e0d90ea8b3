//===- CutCrossEntropy.cpp - linear_cross_entropy as cut_cross_entropy ----===//

#include "dialects/attic/AtticOps.h"
#include "passes/Passes.h"
#include "passes/forms/Transforms.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::attic {
#define GEN_PASS_DEF_CUTCROSSENTROPYPASS
#include "passes/Passes.h.inc"
} // namespace mlir::attic

using namespace mlir;
using namespace mlir::attic;

FailureOr<Operation *>
attic::rewriteLinearCrossEntropyAsCut(RewriterBase &rewriter, Operation *op,
                                      const CutCrossEntropyOptions &options) {
  auto linear = dyn_cast<LinearCrossEntropyOp>(op);
  if (!linear || options.blockN < 1 || options.blockV < 1)
    return failure();
  rewriter.setInsertionPoint(op);
  auto cut = CutCrossEntropyOp::create(
      rewriter, op->getLoc(), op->getResultTypes(), linear.getHidden(),
      linear.getClassifier(), linear.getLabels(), linear.getBias(),
      linear.getWeights(), linear.getSoftcapAttr(), linear.getReductionAttr(),
      linear.getIgnoreIndexAttr(), linear.getLabelSmoothingAttr(),
      linear.getZLossAttr(), rewriter.getI64IntegerAttr(options.blockN),
      rewriter.getI64IntegerAttr(options.blockV));
  rewriter.replaceOp(op, cut);
  return cut.getOperation();
}

namespace {
struct LinearCrossEntropyToCut final : OpRewritePattern<LinearCrossEntropyOp> {
  LinearCrossEntropyToCut(MLIRContext *ctx,
                          const CutCrossEntropyOptions &options)
      : OpRewritePattern(ctx), options(options) {}
  LogicalResult matchAndRewrite(LinearCrossEntropyOp op,
                                PatternRewriter &rewriter) const override {
    return rewriteLinearCrossEntropyAsCut(rewriter, op, options);
  }
  CutCrossEntropyOptions options;
};
} // namespace

void attic::populateCutCrossEntropyPatterns(
    RewritePatternSet &patterns, const CutCrossEntropyOptions &options) {
  patterns.add<LinearCrossEntropyToCut>(patterns.getContext(), options);
}

namespace mlir::attic {
namespace {
struct CutCrossEntropyPass final
    : impl::CutCrossEntropyPassBase<CutCrossEntropyPass> {
  using Base::Base;
  void runOnOperation() override {
    if (blockN < 1 || blockV < 1) {
      emitError(getOperation()->getLoc())
          << "attic-cut-cross-entropy: block sizes must be at least 1, got "
          << "block-n=" << static_cast<int64_t>(blockN)
          << " and block-v=" << static_cast<int64_t>(blockV);
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    populateCutCrossEntropyPatterns(patterns, {blockN, blockV});
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::attic
