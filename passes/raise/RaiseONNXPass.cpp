//===- RaiseONNXPass.cpp - The attic-raise-onnx pass ----------------------===//

#include "passes/Passes.h"
#include "passes/raise/Transforms.h"

#include "dialects/attic/AtticDialect.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::attic {
#define GEN_PASS_DEF_RAISEONNXPASS
#include "passes/Passes.h.inc"
} // namespace mlir::attic

using namespace mlir;
using namespace mlir::attic;

namespace mlir::attic {
namespace {
struct RaiseONNXPass final : impl::RaiseONNXPassBase<RaiseONNXPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateRaiseSoftmaxPatterns(patterns);
    populateRaiseAttentionPatterns(patterns);
    populateRaiseLossPatterns(patterns);
    populateRaiseCleanupPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::attic
