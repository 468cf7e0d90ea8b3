//===- LowerToLinalgPass.cpp - attic ops to linalg, tensor, arith, math ---===//
//
// Semantic ops take the reference lowering, form ops their own lowering.
//
//===----------------------------------------------------------------------===//

#include "codegen/forms/Forms.h"
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
    populateFormLoweringPatterns(patterns);
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
