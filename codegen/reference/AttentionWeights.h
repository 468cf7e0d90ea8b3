//===- AttentionWeights.h - From a score to an attention weight -*- C++ -*-===//
//
// The elementwise step every lowering of attention shares: a query-key
// score becomes a logit (scale, softcap, float mask) and then a weight, or
// is hidden by the visibility rules (kv_lengths, causal, windows, i1 mask).
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_CODEGEN_REFERENCE_ATTENTIONWEIGHTS_H
#define ATTIC_CODEGEN_REFERENCE_ATTENTIONWEIGHTS_H

#include "dialects/attic/AtticDialect.h"

#include "mlir/IR/Builders.h"

#include <optional>

namespace mlir::attic::reference {

/// The attributes of attic.attention (and its forms) that turn scores into
/// weights.
struct AttentionScoring {
  AttentionKernel kernel = AttentionKernel::softmax;
  /// Whether the kernel is a feature map (the score is already phi.phi).
  bool featureMap = false;
  double scale = 1.0;
  std::optional<double> softcap;
  bool causal = false;
  std::optional<int64_t> leftWindow, rightWindow;
  /// The training length of the length scale log(n_i) / log(T).
  std::optional<int64_t> trainLength;
  /// The power of re-weighted softplus weights.
  std::optional<double> reweightPower;

  template <typename OpTy> static AttentionScoring of(OpTy op) {
    AttentionScoring s;
    s.kernel = op.getKernel();
    s.featureMap = op.hasFeatureMapKernel();
    s.scale = op.getEffectiveScale().value_or(1.0);
    if (auto cap = op.getSoftcap())
      s.softcap = cap->convertToDouble();
    s.causal = op.getCausal();
    s.leftWindow = op.getLeftWindow();
    s.rightWindow = op.getRightWindow();
    s.trainLength = op.getTrainLength();
    if (auto power = op.getReweightPower())
      s.reweightPower = power->convertToDouble();
    return s;
  }
};

/// phi(x) of a feature-map kernel (elu(x) + 1, max(x, 0) or max(x, 0)^2)
/// for a scalar `x` in the accumulator type.
Value featureMap(OpBuilder &b, Location loc, AttentionKernel kernel, Value x);

/// softplus(x) = log(1 + exp(x)), computed as max(x, 0) + log1p(exp(-|x|))
/// so that large |x| neither overflows nor loses the result.
Value softplus(OpBuilder &b, Location loc, Value x);

/// Inside a linalg body: the weight of key position `j` (i64) for query
/// position `i` (i64) of score `s` (accumulator type). `mask` is the mask
/// element or null; `length` the batch's key count (i64), checked as a
/// bound when `hasLengths`; `sq` and `skv` the query and key counts (i64).
/// The query sits at absolute position i + length - sq (bottom-right
/// alignment). Softmax yields the logit, or -inf when hidden; softplus and
/// gaussian their weight and the feature maps the score itself, or 0 when
/// hidden.
Value buildAttentionWeight(OpBuilder &b, Location loc,
                           const AttentionScoring &scoring, Value s, Value mask,
                           Value length, bool hasLengths, Value i, Value j,
                           Value sq, Value skv);

/// The keys [start, end) that some query of rows [row, row + rows) can see
/// under the causal bound and the windows, as index values: `sq` is the
/// query count, `length` the batch's key count L (queries sit at i + L - sq)
/// and `clamped` L clamped to [0, Skv]. Blocks outside need no visit.
std::pair<Value, Value> visibleKeyRange(OpBuilder &b, Location loc,
                                        const AttentionScoring &scoring,
                                        Value row, Value rows, Value sq,
                                        Value length, Value clamped);

} // namespace mlir::attic::reference

#endif // ATTIC_CODEGEN_REFERENCE_ATTENTIONWEIGHTS_H
