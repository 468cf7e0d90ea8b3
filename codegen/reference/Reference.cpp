//===- Reference.cpp - All reference lowering patterns and their limits ---===//

#include "codegen/reference/Reference.h"
#include "dialects/attic/AtticOps.h"

using namespace mlir;
using namespace mlir::attic;

void mlir::attic::populateReferenceLoweringPatterns(
    RewritePatternSet &patterns) {
  populateSoftmaxReferencePatterns(patterns);
  populateAttentionReferencePatterns(patterns);
  populateLinearAttentionReferencePatterns(patterns);
  populateLossReferencePatterns(patterns);
  populateSphericalZLossReferencePatterns(patterns);
  populateLossGradReferencePatterns(patterns);
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
