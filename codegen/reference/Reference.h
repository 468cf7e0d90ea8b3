//===- Reference.h - Reference lowering of attic ops ------------*- C++ -*-===//
//
// The reference lowering turns attic semantic ops into linalg/tensor/arith/
// math IR that computes them directly. It is the oracle for every form.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_CODEGEN_REFERENCE_REFERENCE_H
#define ATTIC_CODEGEN_REFERENCE_REFERENCE_H

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace mlir::attic {

/// softmax, log_softmax and logsumexp as three passes over the row:
/// maximum, sum of exponentials, output.
void populateSoftmaxReferencePatterns(RewritePatternSet &patterns);

/// attention with the score matrix materialized: every kernel, mask,
/// causal/window visibility, kv_lengths, softcap and grouped-query heads.
void populateAttentionReferencePatterns(RewritePatternSet &patterns);

/// Every reference lowering pattern.
void populateReferenceLoweringPatterns(RewritePatternSet &patterns);

} // namespace mlir::attic

#endif // ATTIC_CODEGEN_REFERENCE_REFERENCE_H
