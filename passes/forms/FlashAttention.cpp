//===- FlashAttention.cpp - attic.attention as attic.flash_attention ------===//

#include "dialects/attic/AtticOps.h"
#include "passes/Passes.h"
#include "passes/forms/FormBuilder.h"
#include "passes/forms/Transforms.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::attic {
#define GEN_PASS_DEF_FLASHATTENTIONPASS
#include "passes/Passes.h.inc"
} // namespace mlir::attic

using namespace mlir;
using namespace mlir::attic;

FailureOr<Operation *>
attic::rewriteAttentionAsFlash(RewriterBase &rewriter, Operation *op,
                               const FlashAttentionOptions &options) {
  auto attention = dyn_cast<AttentionOp>(op);
  if (!attention || (attention.getKernel() != AttentionKernel::softmax &&
                     attention.getKernel() != AttentionKernel::softplus))
    return failure();
  if (options.blockQ < 1 || options.blockKv < 1)
    return failure();
  auto flash = createFormOf<FlashAttentionOp>(
      rewriter, op,
      {rewriter.getNamedAttr("block_q",
                             rewriter.getI64IntegerAttr(options.blockQ)),
       rewriter.getNamedAttr("block_kv",
                             rewriter.getI64IntegerAttr(options.blockKv))});
  rewriter.replaceOp(op, flash);
  return flash.getOperation();
}

namespace {
struct AttentionToFlash final : OpRewritePattern<AttentionOp> {
  AttentionToFlash(MLIRContext *ctx, const FlashAttentionOptions &options)
      : OpRewritePattern(ctx), options(options) {}
  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &rewriter) const override {
    return rewriteAttentionAsFlash(rewriter, op, options);
  }
  FlashAttentionOptions options;
};
} // namespace

void attic::populateFlashAttentionPatterns(
    RewritePatternSet &patterns, const FlashAttentionOptions &options) {
  patterns.add<AttentionToFlash>(patterns.getContext(), options);
}

namespace mlir::attic {
namespace {
struct FlashAttentionPass final
    : impl::FlashAttentionPassBase<FlashAttentionPass> {
  using Base::Base;
  void runOnOperation() override {
    if (blockQ < 1 || blockKv < 1) {
      emitError(getOperation()->getLoc())
          << "attic-flash-attention: block sizes must be at least 1, got "
          << "block-q=" << static_cast<int64_t>(blockQ)
          << " and block-kv=" << static_cast<int64_t>(blockKv);
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    populateFlashAttentionPatterns(patterns, {blockQ, blockKv});
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::attic
