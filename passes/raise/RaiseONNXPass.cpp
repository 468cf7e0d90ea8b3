//===- RaiseONNXPass.cpp - The attic-raise-onnx pass ----------------------===//

#include "passes/Passes.h"
#include "passes/raise/Match.h"
#include "passes/raise/Transforms.h"

#include "dialects/attic/AtticDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::attic {
#define GEN_PASS_DEF_RAISEONNXPASS
#include "passes/Passes.h.inc"
} // namespace mlir::attic

using namespace mlir;
using namespace mlir::attic;

namespace {

/// Hears the near misses among the patterns' match failures.
struct NearMissListener final : RewriterBase::Listener {
  explicit NearMissListener(function_ref<void(Location, StringRef)> report)
      : report(report) {}

  void
  notifyMatchFailure(Location loc,
                     function_ref<void(Diagnostic &)> reasonCallback) override {
    Diagnostic diag(loc, DiagnosticSeverity::Remark);
    reasonCallback(diag);
    std::string reason = diag.str();
    if (StringRef rest = reason; rest.consume_front(raise::kNearMiss))
      report(loc, rest);
  }

  function_ref<void(Location, StringRef)> report;
};

} // namespace

LogicalResult
mlir::attic::raiseONNX(Operation *root,
                       function_ref<void(Location, StringRef)> onNearMiss) {
  root->walk([](func::FuncOp func) { simplifyONNXShapes(func); });
  RewritePatternSet patterns(root->getContext());
  populateRaiseSoftmaxPatterns(patterns);
  populateRaiseAttentionPatterns(patterns);
  populateRaiseLossPatterns(patterns);
  populateRaiseCleanupPatterns(patterns);
  // The attic canonicalizations (the likelihood of a raised log-softmax
  // is a cross-entropy), whichever of the two was raised first.
  root->getContext()
      ->getOrLoadDialect<AtticDialect>()
      ->getCanonicalizationPatterns(patterns);
  GreedyRewriteConfig config;
  NearMissListener listener(onNearMiss);
  if (onNearMiss)
    config.setListener(&listener);
  return applyPatternsGreedily(root, std::move(patterns), config);
}

namespace mlir::attic {
namespace {
struct RaiseONNXPass final : impl::RaiseONNXPassBase<RaiseONNXPass> {
  using Base::Base;
  void runOnOperation() override {
    if (failed(raiseONNX(getOperation())))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::attic
