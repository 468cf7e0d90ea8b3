//===- LinearAttention.cpp - Linear attention as its chunked forms --------===//

#include "dialects/attic/AtticOps.h"
#include "passes/Passes.h"
#include "passes/forms/FormBuilder.h"
#include "passes/forms/Transforms.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::attic {
#define GEN_PASS_DEF_LINEARATTENTIONPASS
#include "passes/Passes.h.inc"
} // namespace mlir::attic

using namespace mlir;
using namespace mlir::attic;

static bool hasStaticShapes(ValueRange values) {
  return llvm::all_of(values, [](Value v) {
    return cast<ShapedType>(v.getType()).hasStaticShape();
  });
}

std::optional<StringRef> attic::linearizedAttentionBlocker(Operation *op) {
  auto attention = dyn_cast<AttentionOp>(op);
  if (!attention)
    return StringRef("not an attic.attention");
  if (!attention.hasFeatureMapKernel())
    return StringRef("the kernel is not a feature map");
  if (!hasStaticShapes(
          {attention.getQuery(), attention.getKey(), attention.getValue()}))
    return StringRef("dynamic shapes");
  if (attention.getLeftWindow() || attention.getRightWindow())
    return StringRef("sliding windows do not factorize");
  if (attention.getCausal() && attention.getKvLengths())
    return StringRef("kv_lengths with causal moves each batch's diagonal");
  if (Value mask = attention.getMask()) {
    auto type = cast<RankedTensorType>(mask.getType());
    int64_t rank = type.getRank();
    for (int64_t t = 1; t <= 2; ++t)
      if (rank - 4 + t >= 0 && type.getDimSize(rank - 4 + t) != 1)
        return StringRef("the mask depends on the query head or position");
  }
  return std::nullopt;
}

FailureOr<Operation *>
attic::rewriteAttentionAsLinearized(RewriterBase &rewriter, Operation *op,
                                    const LinearAttentionOptions &options) {
  if (linearizedAttentionBlocker(op) || options.chunkSize < 1)
    return failure();
  auto linear = createFormOf<LinearizedAttentionOp>(
      rewriter, op,
      {rewriter.getNamedAttr("chunk_size",
                             rewriter.getI64IntegerAttr(options.chunkSize))});
  rewriter.replaceOp(op, linear);
  return linear.getOperation();
}

FailureOr<Operation *>
attic::rewriteLinearAttentionAsChunked(RewriterBase &rewriter, Operation *op,
                                       const LinearAttentionOptions &options) {
  auto linear = dyn_cast<LinearAttentionOp>(op);
  if (!linear || options.chunkSize < 1 ||
      !hasStaticShapes({linear.getQuery(), linear.getKey(), linear.getValue()}))
    return failure();
  auto chunked = createFormOf<ChunkedLinearAttentionOp>(
      rewriter, op,
      {rewriter.getNamedAttr("chunk_size",
                             rewriter.getI64IntegerAttr(options.chunkSize))});
  rewriter.replaceOp(op, chunked);
  return chunked.getOperation();
}

namespace {
struct AttentionToLinearized final : OpRewritePattern<AttentionOp> {
  AttentionToLinearized(MLIRContext *ctx, const LinearAttentionOptions &options)
      : OpRewritePattern(ctx), options(options) {}
  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &rewriter) const override {
    if (std::optional<StringRef> why = linearizedAttentionBlocker(op))
      return rewriter.notifyMatchFailure(op, *why);
    return rewriteAttentionAsLinearized(rewriter, op, options);
  }
  LinearAttentionOptions options;
};

struct LinearAttentionToChunked final : OpRewritePattern<LinearAttentionOp> {
  LinearAttentionToChunked(MLIRContext *ctx,
                           const LinearAttentionOptions &options)
      : OpRewritePattern(ctx), options(options) {}
  LogicalResult matchAndRewrite(LinearAttentionOp op,
                                PatternRewriter &rewriter) const override {
    int64_t length = op.getQuery().getType().getDimSize(2);
    if (ShapedType::isDynamic(length) || length < options.minChunkedLength)
      return rewriter.notifyMatchFailure(
          op, "short or dynamic sequences keep the recurrence");
    return rewriteLinearAttentionAsChunked(rewriter, op, options);
  }
  LinearAttentionOptions options;
};
} // namespace

void attic::populateLinearAttentionPatterns(
    RewritePatternSet &patterns, const LinearAttentionOptions &options) {
  patterns.add<AttentionToLinearized, LinearAttentionToChunked>(
      patterns.getContext(), options);
}

namespace mlir::attic {
namespace {
struct LinearAttentionPass final
    : impl::LinearAttentionPassBase<LinearAttentionPass> {
  using Base::Base;
  void runOnOperation() override {
    if (chunkSize < 1) {
      emitError(getOperation()->getLoc())
          << "attic-linear-attention: chunk-size must be at least 1, got "
          << static_cast<int64_t>(chunkSize);
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    populateLinearAttentionPatterns(patterns, {chunkSize, minChunkedLength});
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::attic
