//===- Forms.h - Lowering of attic form ops ---------------------*- C++ -*-===//
//
// Each form op lowers to linalg, tensor, arith, math and scf on tensors,
// like the reference lowering, so the CPU pipeline (tiling, vectorization,
// bufferization) applies to both.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_CODEGEN_FORMS_FORMS_H
#define ATTIC_CODEGEN_FORMS_FORMS_H

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace mlir::attic {

/// attic.online_softmax: one reduction carrying the running maximum and
/// rescaled sum, then the output pass; attic.two_pass_softmax: one reduction
/// over (mantissa, exponent) pairs, then the output pass.
void populateSoftmaxFormLoweringPatterns(RewritePatternSet &patterns);

/// attic.flash_attention: loops over batch, head and query block, and an
/// inner loop over the visible key/value blocks with running statistics.
void populateFlashAttentionLoweringPatterns(RewritePatternSet &patterns);

/// attic.chunked_linear_attention and attic.linearized_attention: a loop
/// over chunks carrying the state, each chunk a handful of contractions (and
/// for the delta rules a forward substitution); the non-causal linearized
/// form needs no loop.
void populateLinearAttentionLoweringPatterns(RewritePatternSet &patterns);

void populateNystromAttentionLoweringPatterns(RewritePatternSet &patterns);

/// attic.cut_cross_entropy: a loop over token blocks, an inner loop over
/// class blocks with a running log-sum-exp, the label's logit and the
/// smoothing sum, then the loss as the reference computes it.
void populateCutCrossEntropyLoweringPatterns(RewritePatternSet &patterns);

/// attic.cut_cross_entropy_grad: a loop over token blocks, an inner loop
/// over class blocks (skipping those below the filtering threshold) that
/// accumulates the gradients, then the label and smoothing terms exactly.
void populateCutCrossEntropyGradLoweringPatterns(RewritePatternSet &patterns);

/// attic.cut_spherical_z_loss and its gradient: the label's logits by a
/// gather, the cut statistics' loops carrying the moments of the logits,
/// then the loss, or the gradient loops with each block's dense du.
void populateCutSphericalZLossLoweringPatterns(RewritePatternSet &patterns);

/// Every form lowering pattern.
void populateFormLoweringPatterns(RewritePatternSet &patterns);

} // namespace mlir::attic

#endif // ATTIC_CODEGEN_FORMS_FORMS_H
