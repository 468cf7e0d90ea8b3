//===- NystromAttention.cpp - Gaussian attention through landmarks --------===//
//
// SOFT's approximation of gaussian-kernel attention: an approximate
// rewrite, so its pass runs only when named.
//
//===----------------------------------------------------------------------===//

#include "dialects/attic/AtticOps.h"
#include "passes/Passes.h"
#include "passes/forms/FormBuilder.h"
#include "passes/forms/Transforms.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::attic {
#define GEN_PASS_DEF_SOFTATTENTIONPASS
#include "passes/Passes.h.inc"
} // namespace mlir::attic

using namespace mlir;
using namespace mlir::attic;

std::optional<StringRef> attic::nystromAttentionBlocker(Operation *op) {
  auto attention = dyn_cast<AttentionOp>(op);
  if (!attention)
    return StringRef("not an attic.attention");
  if (attention.getKernel() != AttentionKernel::gaussian)
    return StringRef("the kernel is not gaussian");
  for (Value v :
       {attention.getQuery(), attention.getKey(), attention.getValue()})
    if (!cast<ShapedType>(v.getType()).hasStaticShape())
      return StringRef("dynamic shapes");
  if (attention.getMask() || attention.getKvLengths())
    return StringRef("masks and kv_lengths do not factorize through "
                     "landmarks");
  if (attention.getCausal() || attention.getLeftWindow() ||
      attention.getRightWindow())
    return StringRef("causal and windowed attention do not factorize "
                     "through landmarks");
  if (attention.getQuery().getType().getDimSize(2) == 0 ||
      attention.getKey().getType().getDimSize(2) == 0)
    return StringRef("an empty sequence has no landmarks");
  return std::nullopt;
}

FailureOr<Operation *>
attic::rewriteAttentionAsNystrom(RewriterBase &rewriter, Operation *op,
                                 const NystromAttentionOptions &options) {
  if (nystromAttentionBlocker(op) || options.landmarks < 1 ||
      options.iterations < 1)
    return failure();
  auto attention = cast<AttentionOp>(op);
  int64_t landmarks =
      std::min({options.landmarks, attention.getQuery().getType().getDimSize(2),
                attention.getKey().getType().getDimSize(2)});
  SmallVector<NamedAttribute> extra = {
      rewriter.getNamedAttr("landmarks", rewriter.getI64IntegerAttr(landmarks)),
      rewriter.getNamedAttr("iterations",
                            rewriter.getI64IntegerAttr(options.iterations))};
  if (options.symmetric)
    extra.push_back(rewriter.getNamedAttr("symmetric", rewriter.getUnitAttr()));
  auto nystrom = createFormOf<NystromAttentionOp>(rewriter, op, extra);
  rewriter.replaceOp(op, nystrom);
  return nystrom.getOperation();
}

namespace mlir::attic {
namespace {
struct SoftAttentionPass final
    : impl::SoftAttentionPassBase<SoftAttentionPass> {
  using Base::Base;
  void runOnOperation() override {
    if (landmarks < 1 || iterations < 1) {
      emitError(getOperation()->getLoc())
          << "attic-soft-attention: landmarks and iterations must be at "
          << "least 1, got landmarks=" << static_cast<int64_t>(landmarks)
          << " and iterations=" << static_cast<int64_t>(iterations);
      return signalPassFailure();
    }
    NystromAttentionOptions options{landmarks, iterations, symmetric};
    IRRewriter rewriter(&getContext());
    getOperation()->walk([&](AttentionOp op) {
      if (op.getKernel() != AttentionKernel::gaussian)
        return;
      if (std::optional<StringRef> why = nystromAttentionBlocker(op)) {
        op.emitWarning() << "attic-soft-attention: left alone: " << *why;
        return;
      }
      (void)rewriteAttentionAsNystrom(rewriter, op, options);
    });
  }
};
} // namespace
} // namespace mlir::attic
