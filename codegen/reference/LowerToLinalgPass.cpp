//===- LowerToLinalgPass.cpp - The reference lowering as a pass -----------===//

#include "codegen/reference/Reference.h"
#include "dialects/attic/AtticOps.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::attic {
#define GEN_PASS_DEF_LOWERATTICTOLINALGPASS
#include "passes/Passes.h.inc"
} // namespace mlir::attic

using namespace mlir;
using namespace mlir::attic;

void mlir::attic::populateReferenceLoweringPatterns(
    RewritePatternSet &patterns) {
  populateSoftmaxReferencePatterns(patterns);
  populateAttentionReferencePatterns(patterns);
  populateLinearAttentionReferencePatterns(patterns);
  populateLossReferencePatterns(patterns);
  populateTopKSoftmaxReferencePatterns(patterns);
}

namespace mlir::attic {
namespace {
struct LowerAtticToLinalgPass final
    : impl::LowerAtticToLinalgPassBase<LowerAtticToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateReferenceLoweringPatterns(patterns);
    ConversionTarget target(getContext());
    target.addIllegalDialect<AtticDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::attic
