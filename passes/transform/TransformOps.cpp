//===- TransformOps.cpp - Transform-dialect ops for Attic's forms ---------===//

#include "passes/transform/TransformOps.h"
#include "dialects/attic/AtticDialect.h"
#include "dialects/attic/AtticOps.h"
#include "passes/forms/Transforms.h"

using namespace mlir;
using namespace mlir::attic;

namespace {

/// Records the form op that replaced `target`, or reports that `target` is
/// not an op the transform rewrites.
DiagnosedSilenceableFailure
recordForm(Operation *transformOp, Operation *target,
           FailureOr<Operation *> form, StringRef expected,
           transform::ApplyToEachResultList &results) {
  if (failed(form)) {
    DiagnosedSilenceableFailure diag = emitSilenceableFailure(transformOp)
                                       << "expected " << expected << ", got '"
                                       << target->getName() << "'";
    diag.attachNote(target->getLoc()) << "this op";
    return diag;
  }
  results.push_back(*form);
  return DiagnosedSilenceableFailure::success();
}

LogicalResult verifyBlocks(Operation *op, StringRef first, int64_t a,
                           StringRef second, int64_t b) {
  if (a < 1 || b < 1)
    return op->emitOpError() << "block sizes must be at least 1, got " << first
                             << " = " << a << " and " << second << " = " << b;
  return success();
}

std::optional<SoftmaxAlgorithm> parseAlgorithm(StringRef name) {
  if (name == "online")
    return SoftmaxAlgorithm::Online;
  if (name == "two-pass")
    return SoftmaxAlgorithm::TwoPass;
  return std::nullopt;
}

} // namespace

//===----------------------------------------------------------------------===//
// transform.attic.flash_attention
//===----------------------------------------------------------------------===//

LogicalResult FlashAttentionTransformOp::verify() {
  return verifyBlocks(*this, "block_q", getBlockQAttr().getInt(), "block_kv",
                      getBlockKvAttr().getInt());
}

DiagnosedSilenceableFailure FlashAttentionTransformOp::applyToOne(
    transform::TransformRewriter &rewriter, Operation *target,
    transform::ApplyToEachResultList &results, transform::TransformState &) {
  FlashAttentionOptions options{getBlockQAttr().getInt(),
                                getBlockKvAttr().getInt()};
  return recordForm(
      *this, target, rewriteAttentionAsFlash(rewriter, target, options),
      "an attic.attention with the softmax or softplus kernel", results);
}

//===----------------------------------------------------------------------===//
// transform.attic.linear_attention
//===----------------------------------------------------------------------===//

LogicalResult LinearAttentionTransformOp::verify() {
  int64_t chunk = getChunkSizeAttr().getInt();
  if (chunk < 1)
    return emitOpError() << "chunk_size must be at least 1, got " << chunk;
  return success();
}

DiagnosedSilenceableFailure LinearAttentionTransformOp::applyToOne(
    transform::TransformRewriter &rewriter, Operation *target,
    transform::ApplyToEachResultList &results, transform::TransformState &) {
  LinearAttentionOptions options;
  options.chunkSize = getChunkSizeAttr().getInt();
  options.minChunkedLength = 0;
  std::string expected = "an attic.attention with a feature-map kernel or an "
                         "attic.linear_attention with static shapes";
  FailureOr<Operation *> form = failure();
  if (isa<AttentionOp>(target)) {
    if (std::optional<StringRef> why = linearizedAttentionBlocker(target))
      expected += " (this attention: " + why->str() + ")";
    form = rewriteAttentionAsLinearized(rewriter, target, options);
  } else {
    form = rewriteLinearAttentionAsChunked(rewriter, target, options);
  }
  return recordForm(*this, target, form, expected, results);
}

//===----------------------------------------------------------------------===//
// transform.attic.softmax_form
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxFormTransformOp::verify() {
  if (!parseAlgorithm(getAlgorithm()))
    return emitOpError()
           << "algorithm must be \"online\" or \"two-pass\", got \""
           << getAlgorithm() << "\"";
  return success();
}

DiagnosedSilenceableFailure SoftmaxFormTransformOp::applyToOne(
    transform::TransformRewriter &rewriter, Operation *target,
    transform::ApplyToEachResultList &results, transform::TransformState &) {
  return recordForm(
      *this, target,
      rewriteSoftmaxAsForm(rewriter, target, *parseAlgorithm(getAlgorithm())),
      "attic.softmax, attic.log_softmax or attic.logsumexp", results);
}

//===----------------------------------------------------------------------===//
// transform.attic.cut_cross_entropy
//===----------------------------------------------------------------------===//

LogicalResult CutCrossEntropyTransformOp::verify() {
  if (failed(verifyBlocks(*this, "block_n", getBlockNAttr().getInt(), "block_v",
                          getBlockVAttr().getInt())))
    return failure();
  if (FloatAttr eps = getFilterEpsAttr();
      eps && !(eps.getValueAsDouble() >= 0 && eps.getValueAsDouble() < 1))
    return emitOpError() << "filter_eps must be in [0, 1), got "
                         << eps.getValueAsDouble();
  return success();
}

DiagnosedSilenceableFailure CutCrossEntropyTransformOp::applyToOne(
    transform::TransformRewriter &rewriter, Operation *target,
    transform::ApplyToEachResultList &results, transform::TransformState &) {
  CutCrossEntropyOptions options;
  options.blockN = getBlockNAttr().getInt();
  options.blockV = getBlockVAttr().getInt();
  if (FloatAttr eps = getFilterEpsAttr())
    options.filterEps = eps.getValueAsDouble();
  options.sortVocab = getSortVocab();
  return recordForm(
      *this, target, rewriteLinearLossAsCut(rewriter, target, options),
      "attic.linear_cross_entropy, attic.linear_spherical_z_loss or their "
      "gradient",
      results);
}

//===----------------------------------------------------------------------===//
// transform.attic.softmax_free
//===----------------------------------------------------------------------===//

/// The rewrite's options from the op's attributes, or why they are invalid.
static std::optional<std::string>
softmaxFreeOptionsOf(SoftmaxFreeTransformOp op, SoftmaxFreeOptions &options) {
  std::optional<int64_t> train;
  if (std::optional<uint64_t> value = op.getTrainLength())
    train = static_cast<int64_t>(*value);
  std::optional<double> power;
  if (std::optional<APFloat> value = op.getReweightPower())
    power = value->convertToDouble();
  return parseSoftmaxFreeOptions(op.getKernel(), train, power, options);
}

LogicalResult SoftmaxFreeTransformOp::verify() {
  SoftmaxFreeOptions options;
  if (std::optional<std::string> invalid = softmaxFreeOptionsOf(*this, options))
    return emitOpError() << *invalid;
  return success();
}

DiagnosedSilenceableFailure SoftmaxFreeTransformOp::applyToOne(
    transform::TransformRewriter &rewriter, Operation *target,
    transform::ApplyToEachResultList &results, transform::TransformState &) {
  SoftmaxFreeOptions options;
  (void)softmaxFreeOptionsOf(*this, options); // Verified.
  std::string expected =
      "an attic.attention with the softmax kernel that the \"" +
      getKernel().str() + "\" kernel can express";
  if (std::optional<std::string> why = softmaxFreeBlocker(target, options))
    expected += " (this op: " + *why + ")";
  return recordForm(*this, target,
                    rewriteAttentionKernel(rewriter, target, options), expected,
                    results);
}

//===----------------------------------------------------------------------===//
// Registration
//===----------------------------------------------------------------------===//

#define GET_OP_CLASSES
#include "passes/transform/TransformOps.cpp.inc"

namespace {
class AtticTransformDialectExtension final
    : public transform::TransformDialectExtension<
          AtticTransformDialectExtension> {
public:
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(AtticTransformDialectExtension)

  using Base::Base;

  void init() {
    declareGeneratedDialect<AtticDialect>();
    registerTransformOps<
#define GET_OP_LIST
#include "passes/transform/TransformOps.cpp.inc"
        >();
  }
};
} // namespace

void attic::registerTransformDialectExtension(DialectRegistry &registry) {
  registry.addExtensions<AtticTransformDialectExtension>();
}
