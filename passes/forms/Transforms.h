//===- Transforms.h - Rewrites of semantic ops into forms -------*- C++ -*-===//
//
// Each form is a C++ rewrite first, a pattern set second and a pass third,
// so other compilers can apply it where they choose.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_PASSES_FORMS_TRANSFORMS_H
#define ATTIC_PASSES_FORMS_TRANSFORMS_H

#include "mlir/Support/LLVM.h"

#include <cstdint>

namespace mlir {
class Operation;
class RewritePatternSet;
class RewriterBase;
} // namespace mlir

namespace mlir::attic {

/// How the softmax family is computed.
enum class SoftmaxAlgorithm {
  /// attic.online_softmax: running maximum and rescaled sum in one pass.
  Online,
  /// attic.two_pass_softmax: (mantissa, exponent) pairs, no maximum pass.
  TwoPass,
};

/// Replaces `op`, an attic.softmax, attic.log_softmax or attic.logsumexp,
/// by the form op of `algorithm` computing the same result. Fails, leaving
/// `op` alone, for any other op.
FailureOr<Operation *> rewriteSoftmaxAsForm(RewriterBase &rewriter,
                                            Operation *op,
                                            SoftmaxAlgorithm algorithm);

/// Patterns applying rewriteSoftmaxAsForm to every op of the softmax family.
void populateSoftmaxFormPatterns(RewritePatternSet &patterns,
                                 SoftmaxAlgorithm algorithm);

/// Block sizes of attic.flash_attention.
struct FlashAttentionOptions {
  int64_t blockQ = 64;
  int64_t blockKv = 64;
};

/// Replaces `op`, an attic.attention with the softmax or softplus kernel, by
/// attic.flash_attention with the same operands and attributes and the
/// block sizes of `options`. Fails, leaving `op` alone, for other kernels.
FailureOr<Operation *>
rewriteAttentionAsFlash(RewriterBase &rewriter, Operation *op,
                        const FlashAttentionOptions &options);

/// Patterns applying rewriteAttentionAsFlash to every attic.attention it
/// takes.
void populateFlashAttentionPatterns(RewritePatternSet &patterns,
                                    const FlashAttentionOptions &options);

/// Block sizes of attic.cut_cross_entropy.
struct CutCrossEntropyOptions {
  int64_t blockN = 128;
  int64_t blockV = 512;
};

/// Replaces `op`, an attic.linear_cross_entropy, by attic.cut_cross_entropy
/// with the same operands and attributes and the block sizes of `options`.
FailureOr<Operation *>
rewriteLinearCrossEntropyAsCut(RewriterBase &rewriter, Operation *op,
                               const CutCrossEntropyOptions &options);

/// Patterns applying rewriteLinearCrossEntropyAsCut.
void populateCutCrossEntropyPatterns(RewritePatternSet &patterns,
                                     const CutCrossEntropyOptions &options);

} // namespace mlir::attic

#endif // ATTIC_PASSES_FORMS_TRANSFORMS_H
