//===- RaiseUpstreamPasses.cpp - attic-raise-linalg, attic-raise-tosa -----===//

#include "passes/Passes.h"
#include "passes/raise/Transforms.h"

#include "dialects/attic/AtticDialect.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::attic {
#define GEN_PASS_DEF_RAISELINALGPASS
#define GEN_PASS_DEF_RAISETOSAPASS
#include "passes/Passes.h.inc"
} // namespace mlir::attic

using namespace mlir;
using namespace mlir::attic;

namespace mlir::attic {
namespace {
/// The attic canonicalizations finish what raising starts: nll_loss of a
/// raised log-softmax becomes cross_entropy.
void addAtticCanonicalizations(RewritePatternSet &patterns) {
  patterns.getContext()
      ->getLoadedDialect<AtticDialect>()
      ->getCanonicalizationPatterns(patterns);
}

struct RaiseLinalgPass final : impl::RaiseLinalgPassBase<RaiseLinalgPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateRaiseLinalgPatterns(patterns);
    addAtticCanonicalizations(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

struct RaiseTosaPass final : impl::RaiseTosaPassBase<RaiseTosaPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateRaiseTosaPatterns(patterns);
    addAtticCanonicalizations(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::attic
