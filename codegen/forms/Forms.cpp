//===- Forms.cpp - Every form lowering ------------------------------------===//

#include "codegen/forms/Forms.h"

void mlir::attic::populateFormLoweringPatterns(RewritePatternSet &patterns) {
  populateSoftmaxFormLoweringPatterns(patterns);
  populateFlashAttentionLoweringPatterns(patterns);
  populateLinearAttentionLoweringPatterns(patterns);
  populateNystromAttentionLoweringPatterns(patterns);
  populateCutCrossEntropyLoweringPatterns(patterns);
  populateCutCrossEntropyGradLoweringPatterns(patterns);
  populateCutSphericalZLossLoweringPatterns(patterns);
}
