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

std::optional<StringRef> mlir::attic::referenceLoweringBlocker(Operation *op) {
  auto headCounts = [](RankedTensorType q, RankedTensorType k) {
    return !ShapedType::isDynamic(q.getDimSize(1)) &&
           !ShapedType::isDynamic(k.getDimSize(1));
  };
  if (auto attention = dyn_cast<AttentionOp>(op)) {
    if (!headCounts(attention.getQuery().getType(),
                    attention.getKey().getType()))
      return StringRef("the reference lowering needs static head counts");
    bool scaled = !attention.hasFeatureMapKernel();
    if (scaled && !attention.getEffectiveScale())
      return StringRef("the default scale 1/sqrt(D) needs a static head size "
                       "D; give a scale");
  }
  if (auto linear = dyn_cast<LinearAttentionOp>(op)) {
    if (!headCounts(linear.getQuery().getType(), linear.getKey().getType()))
      return StringRef("the reference lowering needs static head counts");
    if (!linear.getEffectiveScale())
      return StringRef("the default scale 1/sqrt(Dk) needs a static head "
                       "size Dk; give a scale");
  }
  return std::nullopt;
}

namespace mlir::attic {
namespace {
struct LowerAtticToLinalgPass final
    : impl::LowerAtticToLinalgPassBase<LowerAtticToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    // Report what cannot be lowered, with the reason, before trying.
    WalkResult blocked = getOperation()->walk([](Operation *op) {
      if (std::optional<StringRef> why = referenceLoweringBlocker(op)) {
        op->emitOpError() << "cannot be lowered: " << *why;
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (blocked.wasInterrupted())
      return signalPassFailure();
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
