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
#include <optional>
#include <string>

namespace mlir {
class Operation;
class RewritePatternSet;
class RewriterBase;
class Type;
} // namespace mlir

namespace mlir::attic {

enum class AttentionKernel : uint32_t;

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

/// Options of the linear attention forms.
struct LinearAttentionOptions {
  /// Steps per chunk of attic.chunked_linear_attention and of causal
  /// attic.linearized_attention.
  int64_t chunkSize = 64;
  /// attic.linear_attention with fewer steps keeps the recurrence.
  int64_t minChunkedLength = 16;
};

/// Why attic.linearized_attention cannot take `op`, an attic.attention, or
/// nullopt when it can.
std::optional<StringRef> linearizedAttentionBlocker(Operation *op);

/// Replaces `op`, an attic.attention with a feature-map kernel, by
/// attic.linearized_attention with the same operands and attributes and the
/// chunk size of `options`. Fails, leaving `op` alone, for other kernels
/// and for what the form cannot take (linearizedAttentionBlocker).
FailureOr<Operation *>
rewriteAttentionAsLinearized(RewriterBase &rewriter, Operation *op,
                             const LinearAttentionOptions &options);

/// Replaces `op`, an attic.linear_attention with static shapes, by
/// attic.chunked_linear_attention with the same operands and attributes and
/// the chunk size of `options`, whatever its length.
FailureOr<Operation *>
rewriteLinearAttentionAsChunked(RewriterBase &rewriter, Operation *op,
                                const LinearAttentionOptions &options);

/// Patterns applying rewriteAttentionAsLinearized to every attic.attention
/// it takes and rewriteLinearAttentionAsChunked to every
/// attic.linear_attention of at least options.minChunkedLength steps.
void populateLinearAttentionPatterns(RewritePatternSet &patterns,
                                     const LinearAttentionOptions &options);

/// Options of the Nystrom (SOFT) form of gaussian attention.
struct NystromAttentionOptions {
  /// Landmarks; sequences shorter than this get one per row (exact).
  int64_t landmarks = 64;
  /// Newton-Raphson steps of the landmark matrix's pseudo-inverse.
  int64_t iterations = 20;
  /// SOFT's symmetric normalization D^-1/2 W D^-1/2.
  bool symmetric = false;
};

/// Why attic.nystrom_attention cannot take `op`, an attic.attention, or
/// nullopt when it can.
std::optional<StringRef> nystromAttentionBlocker(Operation *op);

/// Replaces `op`, an attic.attention with the gaussian kernel, by
/// attic.nystrom_attention with min(landmarks, Sq, Skv) landmarks and the
/// iterations and normalization of `options`: an approximation, applied only
/// when asked for. Fails, leaving `op` alone, where nystromAttentionBlocker
/// gives a reason.
FailureOr<Operation *>
rewriteAttentionAsNystrom(RewriterBase &rewriter, Operation *op,
                          const NystromAttentionOptions &options);

/// The softmax-free rewrite: the kernel that replaces softmax and, for
/// softplus, the length scale and re-weighting it gets.
struct SoftmaxFreeOptions {
  /// softplus, elu_plus_one, relu, squared_relu or gaussian.
  AttentionKernel kernel;
  std::optional<int64_t> trainLength;
  std::optional<double> reweightPower;
};

/// The options of the softmax-free rewrite from the new kernel's name and
/// the softplus attributes (filled into `options`), or the one-line reason
/// they are invalid: an unknown kernel or softmax itself, train_length or
/// reweight_power with another kernel than softplus, train_length below 2,
/// reweight_power not positive and finite.
std::optional<std::string>
parseSoftmaxFreeOptions(StringRef kernel, std::optional<int64_t> trainLength,
                        std::optional<double> reweightPower,
                        SoftmaxFreeOptions &options);

/// Why the softmax-free rewrite with `options` cannot take `op`, or nullopt
/// when it can: `op` must be an attic.attention with the softmax kernel,
/// and what it carries must mean something under the new kernel (no
/// softcap or float mask for a feature map).
std::optional<std::string>
softmaxFreeBlocker(Operation *op, const SoftmaxFreeOptions &options);

/// Replaces `op`, an attic.attention with the softmax kernel, by the same
/// attention with the kernel of `options` (a feature map drops the scale,
/// which its normalization cancels). This changes what the model computes:
/// it runs only when asked for. Fails, leaving `op` alone, where
/// softmaxFreeBlocker gives a reason.
FailureOr<Operation *>
rewriteAttentionKernel(RewriterBase &rewriter, Operation *op,
                       const SoftmaxFreeOptions &options);

/// Block sizes of attic.cut_cross_entropy and, for the gradient, its
/// filtering threshold and vocabulary sorting.
struct CutCrossEntropyOptions {
  int64_t blockN = 128;
  int64_t blockV = 512;
  /// Skip gradient blocks whose softmax entries all fall below this; unset
  /// derives it from the element type as cut cross-entropy does (its
  /// machine epsilon / 32: 2^-28 for f32, 2^-12 for bf16); 0 disables
  /// filtering.
  std::optional<double> filterEps;
  /// Order the classes by average logit before the gradient blocks.
  bool sortVocab = false;
};

/// The default gradient filtering threshold for element type `type`: its
/// machine epsilon / 32.
double defaultFilterEps(Type type);

/// Replaces `op`, an attic.linear_cross_entropy, by attic.cut_cross_entropy
/// with the same operands and attributes and the block sizes of `options`.
FailureOr<Operation *>
rewriteLinearCrossEntropyAsCut(RewriterBase &rewriter, Operation *op,
                               const CutCrossEntropyOptions &options);

/// Replaces `op`, an attic.linear_cross_entropy_grad, by
/// attic.cut_cross_entropy_grad with the same operands and attributes and
/// the block sizes, filtering threshold and sorting of `options`.
FailureOr<Operation *>
rewriteLinearCrossEntropyGradAsCut(RewriterBase &rewriter, Operation *op,
                                   const CutCrossEntropyOptions &options);

/// Replaces `op`, an attic.linear_spherical_z_loss, by
/// attic.cut_spherical_z_loss with the same operands and attributes and the
/// block sizes of `options` (its filtering and sorting do not apply).
FailureOr<Operation *>
rewriteLinearSphericalZLossAsCut(RewriterBase &rewriter, Operation *op,
                                 const CutCrossEntropyOptions &options);

/// Replaces `op`, an attic.linear_spherical_z_loss_grad, by
/// attic.cut_spherical_z_loss_grad with the same operands and attributes and
/// the block sizes of `options`.
FailureOr<Operation *>
rewriteLinearSphericalZLossGradAsCut(RewriterBase &rewriter, Operation *op,
                                     const CutCrossEntropyOptions &options);

/// Whichever of the four rewrites above applies to `op`. Fails, leaving
/// `op` alone, for any other op.
FailureOr<Operation *>
rewriteLinearLossAsCut(RewriterBase &rewriter, Operation *op,
                       const CutCrossEntropyOptions &options);

/// Patterns applying the four rewrites above: the linear cross-entropy and
/// linear spherical Z-loss ops and their gradients to their cut forms.
void populateCutCrossEntropyPatterns(RewritePatternSet &patterns,
                                     const CutCrossEntropyOptions &options);

} // namespace mlir::attic

#endif // ATTIC_PASSES_FORMS_TRANSFORMS_H
