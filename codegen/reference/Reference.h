//===- Reference.h - Reference lowering of attic ops ------------*- C++ -*-===//
//
// The reference lowering turns attic semantic ops into linalg/tensor/arith/
// math IR that computes them directly. It is the oracle for every form.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_CODEGEN_REFERENCE_REFERENCE_H
#define ATTIC_CODEGEN_REFERENCE_REFERENCE_H

#include "llvm/ADT/StringRef.h"

#include <optional>

namespace mlir {
class Operation;
class RewritePatternSet;
} // namespace mlir

namespace mlir::attic {

/// softmax, log_softmax and logsumexp as three passes over the row:
/// maximum, sum of exponentials, output.
void populateSoftmaxReferencePatterns(RewritePatternSet &patterns);

/// attention with the score matrix materialized: every kernel, mask,
/// causal/window visibility, kv_lengths, softcap and grouped-query heads.
void populateAttentionReferencePatterns(RewritePatternSet &patterns);

/// cross_entropy and linear_cross_entropy (the latter with its N x V logits
/// materialized): weights, ignore_index, every reduction, label smoothing,
/// z_loss, bias and softcap.
void populateLossReferencePatterns(RewritePatternSet &patterns);

/// spherical_z_loss, linear_spherical_z_loss and its gradient (the linear
/// ones with their N x V logits materialized): mean and deviations in two
/// passes.
void populateSphericalZLossReferencePatterns(RewritePatternSet &patterns);

/// linear_cross_entropy_grad with its N x V logits and their gradient
/// materialized.
void populateLossGradReferencePatterns(RewritePatternSet &patterns);

/// linear_attention as the token-by-token recurrence of its update rule.
void populateLinearAttentionReferencePatterns(RewritePatternSet &patterns);

/// topk_softmax by k selection passes over each row.
void populateTopKSoftmaxReferencePatterns(RewritePatternSet &patterns);

/// Why the reference lowering cannot lower `op` (a dynamic head count, a
/// default scale with a dynamic head size), or nothing when it can.
std::optional<llvm::StringRef> referenceLoweringBlocker(Operation *op);

/// Every reference lowering pattern.
void populateReferenceLoweringPatterns(RewritePatternSet &patterns);

} // namespace mlir::attic

#endif // ATTIC_CODEGEN_REFERENCE_REFERENCE_H
