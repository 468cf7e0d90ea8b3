//===- SoftmaxForms.cpp - The softmax family as online or two-pass forms --===//

#include "dialects/attic/AtticOps.h"
#include "passes/Passes.h"
#include "passes/forms/Transforms.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::attic {
#define GEN_PASS_DEF_SOFTMAXFORMSPASS
#include "passes/Passes.h.inc"
} // namespace mlir::attic

using namespace mlir;
using namespace mlir::attic;

namespace {

template <typename FormOp>
Operation *createForm(RewriterBase &rewriter, Operation *op, Value input,
                      int64_t axis, SoftmaxKind kind, bool keepDim) {
  return rewriter.replaceOpWithNewOp<FormOp>(
      op, op->getResult(0).getType(), input, rewriter.getI64IntegerAttr(axis),
      SoftmaxKindAttr::get(rewriter.getContext(), kind),
      keepDim ? rewriter.getUnitAttr() : UnitAttr());
}

struct SoftmaxFamilyToForm final : RewritePattern {
  SoftmaxFamilyToForm(MLIRContext *ctx, SoftmaxAlgorithm algorithm)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx),
        algorithm(algorithm) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    return rewriteSoftmaxAsForm(rewriter, op, algorithm);
  }

  SoftmaxAlgorithm algorithm;
};

} // namespace

FailureOr<Operation *> attic::rewriteSoftmaxAsForm(RewriterBase &rewriter,
                                                   Operation *op,
                                                   SoftmaxAlgorithm algorithm) {
  Value input;
  int64_t axis;
  SoftmaxKind kind;
  bool keepDim = false;
  if (auto softmax = dyn_cast<SoftmaxOp>(op)) {
    input = softmax.getInput();
    axis = softmax.getAxisIndex();
    kind = SoftmaxKind::softmax;
  } else if (auto logSoftmax = dyn_cast<LogSoftmaxOp>(op)) {
    input = logSoftmax.getInput();
    axis = logSoftmax.getAxisIndex();
    kind = SoftmaxKind::log_softmax;
  } else if (auto lse = dyn_cast<LogSumExpOp>(op)) {
    input = lse.getInput();
    axis = lse.getAxisIndex();
    kind = SoftmaxKind::logsumexp;
    keepDim = lse.getKeepDim();
  } else {
    return failure();
  }
  rewriter.setInsertionPoint(op);
  switch (algorithm) {
  case SoftmaxAlgorithm::Online:
    return createForm<OnlineSoftmaxOp>(rewriter, op, input, axis, kind,
                                       keepDim);
  case SoftmaxAlgorithm::TwoPass:
    return createForm<TwoPassSoftmaxOp>(rewriter, op, input, axis, kind,
                                        keepDim);
  }
  llvm_unreachable("unknown softmax algorithm");
}

void attic::populateSoftmaxFormPatterns(RewritePatternSet &patterns,
                                        SoftmaxAlgorithm algorithm) {
  patterns.add<SoftmaxFamilyToForm>(patterns.getContext(), algorithm);
}

namespace mlir::attic {
namespace {
struct SoftmaxFormsPass final : impl::SoftmaxFormsPassBase<SoftmaxFormsPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateSoftmaxFormPatterns(patterns, algorithm);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::attic
