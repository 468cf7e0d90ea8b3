//===- CutCrossEntropy.cpp - linear cross-entropy in cut form -------------===//
//
// attic.linear_cross_entropy -> attic.cut_cross_entropy,
// attic.linear_cross_entropy_grad -> attic.cut_cross_entropy_grad, and the
// same for attic.linear_spherical_z_loss and its gradient.
//
//===----------------------------------------------------------------------===//

#include "dialects/attic/AtticOps.h"
#include "passes/Passes.h"
#include "passes/forms/Transforms.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace mlir::attic {
#define GEN_PASS_DEF_CUTCROSSENTROPYPASS
#include "passes/Passes.h.inc"
} // namespace mlir::attic

using namespace mlir;
using namespace mlir::attic;

FailureOr<Operation *>
attic::rewriteLinearCrossEntropyAsCut(RewriterBase &rewriter, Operation *op,
                                      const CutCrossEntropyOptions &options) {
  auto linear = dyn_cast<LinearCrossEntropyOp>(op);
  if (!linear || options.blockN < 1 || options.blockV < 1)
    return failure();
  rewriter.setInsertionPoint(op);
  auto cut = CutCrossEntropyOp::create(
      rewriter, op->getLoc(), op->getResultTypes(), linear.getHidden(),
      linear.getClassifier(), linear.getLabels(), linear.getBias(),
      linear.getWeights(), linear.getSoftcapAttr(), linear.getReductionAttr(),
      linear.getIgnoreIndexAttr(), linear.getLabelSmoothingAttr(),
      linear.getZLossAttr(), linear.getKindAttr(), linear.getQAttr(),
      rewriter.getI64IntegerAttr(options.blockN),
      rewriter.getI64IntegerAttr(options.blockV));
  rewriter.replaceOp(op, cut);
  return cut.getOperation();
}

double attic::defaultFilterEps(Type type) {
  auto floatType = dyn_cast<FloatType>(type);
  if (!floatType)
    return 0.0;
  int precision =
      llvm::APFloat::semanticsPrecision(floatType.getFloatSemantics());
  return std::ldexp(1.0, 1 - precision) / 32.0;
}

FailureOr<Operation *> attic::rewriteLinearCrossEntropyGradAsCut(
    RewriterBase &rewriter, Operation *op,
    const CutCrossEntropyOptions &options) {
  auto grad = dyn_cast<LinearCrossEntropyGradOp>(op);
  if (!grad || options.blockN < 1 || options.blockV < 1)
    return failure();
  double eps = options.filterEps.value_or(
      defaultFilterEps(grad.getHidden().getType().getElementType()));
  if (!(eps >= 0 && eps < 1))
    return failure();
  rewriter.setInsertionPoint(op);
  auto cut = CutCrossEntropyGradOp::create(
      rewriter, op->getLoc(), op->getResultTypes(), grad.getHidden(),
      grad.getClassifier(), grad.getLabels(), grad.getBias(), grad.getWeights(),
      grad.getSoftcapAttr(), grad.getReductionAttr(), grad.getIgnoreIndexAttr(),
      grad.getLabelSmoothingAttr(), grad.getZLossAttr(), grad.getKindAttr(),
      grad.getQAttr(), grad.getGradLoss(), grad.getLse(),
      rewriter.getI64IntegerAttr(options.blockN),
      rewriter.getI64IntegerAttr(options.blockV), rewriter.getF64FloatAttr(eps),
      options.sortVocab ? rewriter.getUnitAttr() : UnitAttr());
  rewriter.replaceOp(op, cut);
  return cut.getOperation();
}

FailureOr<Operation *>
attic::rewriteLinearSphericalZLossAsCut(RewriterBase &rewriter, Operation *op,
                                        const CutCrossEntropyOptions &options) {
  auto linear = dyn_cast<LinearSphericalZLossOp>(op);
  if (!linear || options.blockN < 1 || options.blockV < 1)
    return failure();
  rewriter.setInsertionPoint(op);
  auto cut = CutSphericalZLossOp::create(
      rewriter, op->getLoc(), linear.getLoss().getType(), linear.getHidden(),
      linear.getClassifier(), linear.getLabels(), linear.getBias(),
      linear.getWeights(), linear.getSoftcapAttr(), linear.getAAttr(),
      linear.getBAttr(), linear.getReductionAttr(), linear.getIgnoreIndexAttr(),
      rewriter.getI64IntegerAttr(options.blockN),
      rewriter.getI64IntegerAttr(options.blockV));
  rewriter.replaceOp(op, cut);
  return cut.getOperation();
}

FailureOr<Operation *> attic::rewriteLinearSphericalZLossGradAsCut(
    RewriterBase &rewriter, Operation *op,
    const CutCrossEntropyOptions &options) {
  auto grad = dyn_cast<LinearSphericalZLossGradOp>(op);
  if (!grad || options.blockN < 1 || options.blockV < 1)
    return failure();
  rewriter.setInsertionPoint(op);
  auto cut = CutSphericalZLossGradOp::create(
      rewriter, op->getLoc(), op->getResultTypes(), grad.getHidden(),
      grad.getClassifier(), grad.getLabels(), grad.getBias(), grad.getWeights(),
      grad.getSoftcapAttr(), grad.getAAttr(), grad.getBAttr(),
      grad.getReductionAttr(), grad.getIgnoreIndexAttr(), grad.getGradLoss(),
      rewriter.getI64IntegerAttr(options.blockN),
      rewriter.getI64IntegerAttr(options.blockV));
  rewriter.replaceOp(op, cut);
  return cut.getOperation();
}

FailureOr<Operation *>
attic::rewriteLinearLossAsCut(RewriterBase &rewriter, Operation *op,
                              const CutCrossEntropyOptions &options) {
  for (auto rewrite :
       {rewriteLinearCrossEntropyAsCut, rewriteLinearCrossEntropyGradAsCut,
        rewriteLinearSphericalZLossAsCut, rewriteLinearSphericalZLossGradAsCut})
    if (FailureOr<Operation *> cut = rewrite(rewriter, op, options);
        succeeded(cut))
      return cut;
  return failure();
}

namespace {
/// A pattern applying one of the rewrites above with fixed options.
template <typename OpTy,
          FailureOr<Operation *> (*Rewrite)(RewriterBase &, Operation *,
                                            const CutCrossEntropyOptions &)>
struct RewriteAsCut final : OpRewritePattern<OpTy> {
  RewriteAsCut(MLIRContext *ctx, const CutCrossEntropyOptions &options)
      : OpRewritePattern<OpTy>(ctx), options(options) {}
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    return Rewrite(rewriter, op, options);
  }
  CutCrossEntropyOptions options;
};
} // namespace

void attic::populateCutCrossEntropyPatterns(
    RewritePatternSet &patterns, const CutCrossEntropyOptions &options) {
  patterns.add<
      RewriteAsCut<LinearCrossEntropyOp, rewriteLinearCrossEntropyAsCut>,
      RewriteAsCut<LinearCrossEntropyGradOp,
                   rewriteLinearCrossEntropyGradAsCut>,
      RewriteAsCut<LinearSphericalZLossOp, rewriteLinearSphericalZLossAsCut>,
      RewriteAsCut<LinearSphericalZLossGradOp,
                   rewriteLinearSphericalZLossGradAsCut>>(patterns.getContext(),
                                                          options);
}

namespace mlir::attic {
namespace {
struct CutCrossEntropyPass final
    : impl::CutCrossEntropyPassBase<CutCrossEntropyPass> {
  using Base::Base;
  void runOnOperation() override {
    if (blockN < 1 || blockV < 1) {
      emitError(getOperation()->getLoc())
          << "attic-cut-cross-entropy: block sizes must be at least 1, got "
          << "block-n=" << static_cast<int64_t>(blockN)
          << " and block-v=" << static_cast<int64_t>(blockV);
      return signalPassFailure();
    }
    CutCrossEntropyOptions options;
    options.blockN = blockN;
    options.blockV = blockV;
    options.sortVocab = sortVocab;
    StringRef eps = filterEps;
    if (eps == "none") {
      options.filterEps = 0.0;
    } else if (eps != "auto") {
      double value;
      if (eps.getAsDouble(value) || !(value >= 0 && value < 1)) {
        emitError(getOperation()->getLoc())
            << "attic-cut-cross-entropy: filter-eps must be 'auto', 'none' "
            << "or a number in [0, 1), got '" << eps << "'";
        return signalPassFailure();
      }
      options.filterEps = value;
    }
    RewritePatternSet patterns(&getContext());
    populateCutCrossEntropyPatterns(patterns, options);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::attic
