//===- Cleanup.cpp - What raising leaves to tidy --------------------------===//
//
// A raised value often reaches the rest of the graph through a tensor.cast
// (the graph saw a less precise type) and an Identity (ONNX function bodies
// copy their outputs): both go, so that a fully raised graph is attic ops
// alone.
//
//===----------------------------------------------------------------------===//

#include "passes/raise/Match.h"
#include "passes/raise/Transforms.h"

#include "dialects/onnx/ONNXOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::attic;

namespace {
struct RemoveIdentity final : OpRewritePattern<onnxir::IdentityOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(onnxir::IdentityOp op,
                                PatternRewriter &rewriter) const override {
    Value input = op.getInput();
    if (auto cast = input.getDefiningOp<tensor::CastOp>())
      input = cast.getSource();
    Value replacement =
        raise::castTo(rewriter, op.getLoc(), input, op.getType());
    if (!replacement)
      return rewriter.notifyMatchFailure(op, "types are not cast compatible");
    rewriter.replaceOp(op, replacement);
    return success();
  }
};
} // namespace

void mlir::attic::populateRaiseCleanupPatterns(RewritePatternSet &patterns) {
  patterns.add<RemoveIdentity>(patterns.getContext());
  tensor::CastOp::getCanonicalizationPatterns(patterns, patterns.getContext());
}
