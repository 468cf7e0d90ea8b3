//===- AtticOps.cpp - Attic op builders, verifiers and folders ------------===//
//
// Every verifier message names the operand or attribute at fault and the rule
// it breaks; test/dialects/attic/invalid-*.mlir holds one case per message.
//
//===----------------------------------------------------------------------===//

#include "dialects/attic/AtticOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;
using namespace mlir::attic;

//===----------------------------------------------------------------------===//
// Shape-checking helpers
//===----------------------------------------------------------------------===//

namespace {

/// Two dimensions agree unless both are static and differ.
bool dimsAgree(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

std::string formatDim(int64_t d) {
  return ShapedType::isDynamic(d) ? std::string("?") : std::to_string(d);
}

std::string formatShape(ArrayRef<int64_t> shape) {
  std::string s = "[";
  llvm::interleave(
      shape, [&](int64_t d) { s += formatDim(d); }, [&] { s += ", "; });
  return s + "]";
}

/// Checks that `type` has `rank` dimensions; `layout` names them for the
/// message, e.g. "[B, Hq, Sq, D]".
LogicalResult checkRank(Operation *op, RankedTensorType type, int64_t rank,
                        StringRef what, StringRef layout) {
  if (type.getRank() == rank)
    return success();
  return op->emitOpError() << what << " must be " << rank << "-D " << layout
                           << ", got rank " << type.getRank();
}

/// Checks that dimension `actual` of `what` can equal `expected` of `ref`.
LogicalResult checkDim(Operation *op, int64_t actual, int64_t expected,
                       const Twine &what, const Twine &ref) {
  if (dimsAgree(actual, expected))
    return success();
  return op->emitOpError() << what << " " << formatDim(actual)
                           << " does not match " << ref << " "
                           << formatDim(expected);
}

LogicalResult checkElementType(Operation *op, Type actual, Type expected,
                               StringRef what, StringRef ref) {
  if (actual == expected)
    return success();
  return op->emitOpError() << what << " element type " << actual
                           << " does not match " << ref << " element type "
                           << expected;
}

/// Checks a whole shape against the expected one; `layout` names the
/// dimensions for the message, e.g. "[B, Hq, Sq, Dv]".
LogicalResult checkShape(Operation *op, RankedTensorType type,
                         ArrayRef<int64_t> expected, StringRef what,
                         StringRef layout) {
  bool ok = type.getRank() == static_cast<int64_t>(expected.size()) &&
            llvm::all_of(llvm::zip(type.getShape(), expected), [](auto p) {
              return dimsAgree(std::get<0>(p), std::get<1>(p));
            });
  if (ok)
    return success();
  return op->emitOpError() << what << " shape " << formatShape(type.getShape())
                           << " does not match " << layout << " = "
                           << formatShape(expected);
}

/// `axis` must lie in [-rank, rank) of a tensor of rank >= 1.
LogicalResult checkAxis(Operation *op, int64_t axis, int64_t rank) {
  if (rank < 1)
    return op->emitOpError("input must have rank >= 1 to have an axis");
  if (axis < -rank || axis >= rank)
    return op->emitOpError() << "axis " << axis << " is out of range for "
                             << "input of rank " << rank << " (expected ["
                             << -rank << ", " << rank << "))";
  return success();
}

/// Shortest text that reads back as `value` ("0.5", "-1", "inf").
std::string formatDouble(double value) {
  SmallString<16> text;
  APFloat(value).toString(text);
  return std::string(text);
}

LogicalResult checkPositive(Operation *op, std::optional<APFloat> attr,
                            StringRef name, StringRef hint) {
  if (!attr)
    return success();
  if (attr->isFiniteNonZero() && !attr->isNegative())
    return success();
  return op->emitOpError() << name << " must be positive and finite, got "
                           << formatDouble(attr->convertToDouble()) << hint;
}

LogicalResult checkNonNegative(Operation *op, std::optional<int64_t> value,
                               StringRef name, StringRef hint) {
  if (!value || *value >= 0)
    return success();
  return op->emitOpError() << name << " must be non-negative, got " << *value
                           << hint;
}

/// The scale attribute, or 1/sqrt(head size) of `query` ([..., D]) by
/// default; none when that default needs a head size known only at run time.
std::optional<double> effectiveScale(std::optional<APFloat> scale,
                                     RankedTensorType query) {
  if (scale)
    return scale->convertToDouble();
  int64_t d = query.getDimSize(query.getRank() - 1);
  if (ShapedType::isDynamic(d))
    return std::nullopt;
  return 1.0 / std::sqrt(double(d));
}

/// Normalizes a negative axis attribute in place; returns whether it changed.
template <typename OpTy> bool normalizeAxisInPlace(OpTy op) {
  if (op.getAxis() >= 0)
    return false;
  op.setAxis(op.getAxisIndex());
  return true;
}

int64_t normalizedAxis(Value input, int64_t axis) {
  int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
  return axis < 0 ? axis + rank : axis;
}

} // namespace

//===----------------------------------------------------------------------===//
// Softmax family
//===----------------------------------------------------------------------===//

void SoftmaxOp::build(OpBuilder &b, OperationState &state, Value input,
                      int64_t axis) {
  build(b, state, input.getType(), input, normalizedAxis(input, axis));
}

void LogSoftmaxOp::build(OpBuilder &b, OperationState &state, Value input,
                         int64_t axis) {
  build(b, state, input.getType(), input, normalizedAxis(input, axis));
}

LogicalResult SoftmaxOp::verify() {
  return checkAxis(*this, getAxis(), getInput().getType().getRank());
}

LogicalResult LogSoftmaxOp::verify() {
  return checkAxis(*this, getAxis(), getInput().getType().getRank());
}

OpFoldResult SoftmaxOp::fold(FoldAdaptor) {
  return normalizeAxisInPlace(*this) ? getResult() : OpFoldResult();
}

OpFoldResult LogSoftmaxOp::fold(FoldAdaptor) {
  return normalizeAxisInPlace(*this) ? getResult() : OpFoldResult();
}

RankedTensorType LogSumExpOp::inferResultType(RankedTensorType input,
                                              int64_t axis, bool keepDim) {
  SmallVector<int64_t> shape(input.getShape());
  if (keepDim)
    shape[axis] = 1;
  else
    shape.erase(shape.begin() + axis);
  return RankedTensorType::get(shape, input.getElementType());
}

void LogSumExpOp::build(OpBuilder &b, OperationState &state, Value input,
                        int64_t axis, bool keepDim) {
  axis = normalizedAxis(input, axis);
  auto type =
      inferResultType(cast<RankedTensorType>(input.getType()), axis, keepDim);
  build(b, state, type, input, axis, keepDim);
}

LogicalResult LogSumExpOp::verify() {
  RankedTensorType input = getInput().getType();
  if (failed(checkAxis(*this, getAxis(), input.getRank())))
    return failure();
  if (failed(checkElementType(*this, getType().getElementType(),
                              input.getElementType(), "result", "input")))
    return failure();
  RankedTensorType expected =
      inferResultType(input, getAxisIndex(), getKeepDim());
  return checkShape(*this, getType(), expected.getShape(), "result",
                    getKeepDim() ? "the input shape with the axis set to 1"
                                 : "the input shape without the axis");
}

OpFoldResult LogSumExpOp::fold(FoldAdaptor) {
  if (normalizeAxisInPlace(*this))
    return getResult();
  // The log-sum-exp of a single element is that element.
  if (getKeepDim() && getInput().getType().getDimSize(getAxisIndex()) == 1 &&
      getInput().getType() == getType())
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

std::optional<double> AttentionOp::getEffectiveScale() {
  return effectiveScale(getScale(), getQuery().getType());
}

bool AttentionOp::hasFeatureMapKernel() {
  return isFeatureMapKernel(getKernel());
}

/// Checks that a mask broadcasts to [B, Hq, Sq, Skv] by NumPy rules.
static LogicalResult checkMaskBroadcast(Operation *op, RankedTensorType mask,
                                        ArrayRef<int64_t> target) {
  static const char *names[] = {"B", "Hq", "Sq", "Skv"};
  int64_t rank = mask.getRank();
  if (rank < 1 || rank > 4)
    return op->emitOpError() << "mask must have rank 1 to 4 to broadcast to "
                             << "[B, Hq, Sq, Skv], got rank " << rank;
  for (int64_t i = 0; i < rank; ++i) {
    int64_t t = 4 - rank + i;
    int64_t d = mask.getDimSize(i);
    if (d != 1 && !dimsAgree(d, target[t]))
      return op->emitOpError() << "mask dimension " << i << " (size " << d
                               << ") does not broadcast to " << names[t]
                               << " = " << formatDim(target[t]);
  }
  return success();
}

/// The checks of attic.attention, shared by its forms.
template <typename OpTy> static LogicalResult verifyAttentionLike(OpTy self) {
  Operation *op = self;
  RankedTensorType q = self.getQuery().getType(), k = self.getKey().getType(),
                   v = self.getValue().getType(), out = self.getType();
  if (failed(checkRank(op, q, 4, "query", "[B, Hq, Sq, D]")) ||
      failed(checkRank(op, k, 4, "key", "[B, Hkv, Skv, D]")) ||
      failed(checkRank(op, v, 4, "value", "[B, Hkv, Skv, Dv]")))
    return failure();
  Type elt = q.getElementType();
  if (failed(checkElementType(op, k.getElementType(), elt, "key", "query")) ||
      failed(checkElementType(op, v.getElementType(), elt, "value", "query")) ||
      failed(
          checkElementType(op, out.getElementType(), elt, "result", "query")))
    return failure();

  int64_t b = q.getDimSize(0), hq = q.getDimSize(1), sq = q.getDimSize(2),
          d = q.getDimSize(3), hkv = k.getDimSize(1), skv = k.getDimSize(2),
          dv = v.getDimSize(3);
  if (failed(checkDim(op, k.getDimSize(0), b, "key batch size",
                      "query batch size")) ||
      failed(checkDim(op, v.getDimSize(0), b, "value batch size",
                      "query batch size")) ||
      failed(checkDim(op, k.getDimSize(3), d, "key head size",
                      "query head size")) ||
      failed(checkDim(op, v.getDimSize(1), hkv, "value head count",
                      "key head count")) ||
      failed(checkDim(op, v.getDimSize(2), skv, "value sequence length",
                      "key sequence length")))
    return failure();
  if (!ShapedType::isDynamic(hq) && !ShapedType::isDynamic(hkv) &&
      (hkv == 0 || hq % hkv != 0))
    return self.emitOpError()
           << "query head count " << hq
           << " must be a multiple of key/value head count " << hkv;
  if (failed(checkShape(op, out, {b, hq, sq, dv}, "result", "[B, Hq, Sq, Dv]")))
    return failure();

  if (Value mask = self.getMask()) {
    auto maskType = cast<RankedTensorType>(mask.getType());
    if (failed(checkMaskBroadcast(op, maskType, {b, hq, sq, skv})))
      return failure();
    Type maskElt = maskType.getElementType();
    if (!maskElt.isInteger(1) &&
        failed(checkElementType(op, maskElt, elt, "float mask", "query")))
      return failure();
    if (!maskElt.isInteger(1) && self.hasFeatureMapKernel())
      return self.emitOpError() << "a float mask needs a kernel with scores "
                                << "(softmax, softplus or gaussian), not '"
                                << stringifyAttentionKernel(self.getKernel())
                                << "'; use an i1 mask";
  }
  if (Value lengths = self.getKvLengths()) {
    auto type = cast<RankedTensorType>(lengths.getType());
    if (failed(checkRank(op, type, 1, "kv_lengths", "[B]")) ||
        failed(checkDim(op, type.getDimSize(0), b, "kv_lengths size",
                        "query batch size")))
      return failure();
  }

  if (failed(checkPositive(op, self.getScale(), "scale", "")) ||
      failed(checkPositive(op, self.getSoftcap(), "softcap",
                           " (omit it to disable capping)")) ||
      failed(checkNonNegative(op, self.getLeftWindow(), "left_window",
                              " (omit it for an unbounded window)")) ||
      failed(checkNonNegative(op, self.getRightWindow(), "right_window",
                              " (omit it for an unbounded window)")))
    return failure();

  StringRef kernel = stringifyAttentionKernel(self.getKernel());
  if (self.hasFeatureMapKernel() && self.getScale())
    return self.emitOpError()
           << "scale has no effect with the '" << kernel
           << "' kernel, whose weights are normalized per row";
  bool hasLogits = self.getKernel() == AttentionKernel::softmax ||
                   self.getKernel() == AttentionKernel::softplus;
  if (!hasLogits && self.getSoftcap())
    return self.emitOpError()
           << "softcap applies to softmax and softplus scores, "
           << "not to the '" << kernel << "' kernel";
  if (std::optional<int64_t> train = self.getTrainLength()) {
    if (*train < 2)
      return self.emitOpError()
             << "train_length must be at least 2 (the length scale divides "
             << "by its logarithm), got " << *train;
    if (!hasLogits)
      return self.emitOpError()
             << "train_length scales softmax and softplus scores, "
             << "not those of the '" << kernel << "' kernel";
  }
  if (failed(checkPositive(op, self.getReweightPower(), "reweight_power", "")))
    return failure();
  if (self.getReweightPower() && self.getKernel() != AttentionKernel::softplus)
    return self.emitOpError()
           << "reweight_power re-weights the softplus kernel, not '" << kernel
           << "'"
           << (self.getKernel() == AttentionKernel::softmax
                   ? " (for softmax it is a factor on the scale)"
                   : "");
  return success();
}

LogicalResult AttentionOp::verify() { return verifyAttentionLike(*this); }

//===----------------------------------------------------------------------===//
// LinearAttentionOp
//===----------------------------------------------------------------------===//

std::optional<double> LinearAttentionOp::getEffectiveScale() {
  return effectiveScale(getScale(), getQuery().getType());
}

/// The checks of attic.linear_attention, shared by its forms.
template <typename OpTy>
static LogicalResult verifyLinearAttentionLike(OpTy self) {
  Operation *op = self;
  RankedTensorType q = self.getQuery().getType(), k = self.getKey().getType(),
                   v = self.getValue().getType(),
                   out = self.getOutput().getType(),
                   state = self.getPresentState().getType();
  if (failed(checkRank(op, q, 4, "query", "[B, Hq, T, Dk]")) ||
      failed(checkRank(op, k, 4, "key", "[B, Hkv, T, Dk]")) ||
      failed(checkRank(op, v, 4, "value", "[B, Hkv, T, Dv]")))
    return failure();
  Type elt = q.getElementType();
  if (failed(checkElementType(op, k.getElementType(), elt, "key", "query")) ||
      failed(checkElementType(op, v.getElementType(), elt, "value", "query")) ||
      failed(
          checkElementType(op, out.getElementType(), elt, "output", "query")) ||
      failed(checkElementType(op, state.getElementType(), elt, "present_state",
                              "query")))
    return failure();

  int64_t b = q.getDimSize(0), hq = q.getDimSize(1), t = q.getDimSize(2),
          dk = q.getDimSize(3), hkv = k.getDimSize(1), dv = v.getDimSize(3);
  if (failed(checkDim(op, k.getDimSize(0), b, "key batch size",
                      "query batch size")) ||
      failed(checkDim(op, v.getDimSize(0), b, "value batch size",
                      "query batch size")) ||
      failed(checkDim(op, k.getDimSize(2), t, "key length", "query length")) ||
      failed(
          checkDim(op, v.getDimSize(2), t, "value length", "query length")) ||
      failed(checkDim(op, k.getDimSize(3), dk, "key head size",
                      "query head size")) ||
      failed(checkDim(op, v.getDimSize(1), hkv, "value head count",
                      "key head count")))
    return failure();
  if (!ShapedType::isDynamic(hq) && !ShapedType::isDynamic(hkv) &&
      (hkv == 0 || hq % hkv != 0))
    return self.emitOpError()
           << "query head count " << hq
           << " must be a multiple of key/value head count " << hkv;
  if (failed(checkShape(op, out, {b, hq, t, dv}, "output", "[B, Hq, T, Dv]")) ||
      failed(checkShape(op, state, {b, hkv, dk, dv}, "present_state",
                        "[B, Hkv, Dk, Dv]")))
    return failure();

  if (Value past = self.getPastState()) {
    auto type = cast<RankedTensorType>(past.getType());
    if (failed(checkElementType(op, type.getElementType(), elt, "past_state",
                                "query")) ||
        failed(checkShape(op, type, {b, hkv, dk, dv}, "past_state",
                          "[B, Hkv, Dk, Dv]")))
      return failure();
  }
  if (Value decay = self.getDecay()) {
    auto type = cast<RankedTensorType>(decay.getType());
    if (failed(
            checkElementType(op, type.getElementType(), elt, "decay", "query")))
      return failure();
    if (type.getRank() == 3) {
      if (failed(checkShape(op, type, {b, hkv, t}, "per-head decay",
                            "[B, Hkv, T]")))
        return failure();
    } else if (type.getRank() == 4) {
      if (failed(checkShape(op, type, {b, hkv, t, dk}, "per-key decay",
                            "[B, Hkv, T, Dk]")))
        return failure();
    } else {
      return self.emitOpError()
             << "decay must be [B, Hkv, T] (per head) or "
             << "[B, Hkv, T, Dk] (per key dimension), got rank "
             << type.getRank();
    }
  }
  if (Value beta = self.getBeta()) {
    auto type = cast<RankedTensorType>(beta.getType());
    if (failed(checkElementType(op, type.getElementType(), elt, "beta",
                                "query")) ||
        failed(checkRank(op, type, 3, "beta", "[B, Hkv, T] or [B, 1, T]")))
      return failure();
    int64_t heads = type.getDimSize(1);
    if (failed(checkDim(op, type.getDimSize(0), b, "beta batch size",
                        "query batch size")) ||
        failed(checkDim(op, type.getDimSize(2), t, "beta length",
                        "query length")) ||
        (heads != 1 && failed(checkDim(op, heads, hkv, "beta head count",
                                       "key/value head count"))))
      return failure();
  }

  UpdateRule rule = self.getUpdateRule();
  StringRef name = stringifyUpdateRule(rule);
  bool gated = rule == UpdateRule::gated || rule == UpdateRule::gated_delta;
  bool delta = rule == UpdateRule::delta || rule == UpdateRule::gated_delta;
  if (gated && !self.getDecay())
    return self.emitOpError()
           << "the '" << name << "' update rule needs a decay";
  if (!gated && self.getDecay())
    return self.emitOpError() << "decay is given but the '" << name
                              << "' update rule does not use it";
  if (delta && !self.getBeta())
    return self.emitOpError()
           << "the '" << name << "' update rule needs a beta";
  if (!delta && self.getBeta())
    return self.emitOpError() << "beta is given but the '" << name
                              << "' update rule does not use it";
  return checkPositive(op, self.getScale(), "scale", "");
}

LogicalResult LinearAttentionOp::verify() {
  return verifyLinearAttentionLike(*this);
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

/// Checks the loss attributes every cross-entropy op shares.
template <typename OpTy> static LogicalResult verifyLossAttributes(OpTy self) {
  Operation *op = self;
  double labelSmoothing = self.getLabelSmoothing().convertToDouble();
  double zLoss = self.getZLoss().convertToDouble();
  LossKind kind = self.getKind();
  StringRef kindName = stringifyLossKind(kind);
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
    return op->emitOpError() << "label_smoothing must be in [0, 1], got "
                             << formatDouble(labelSmoothing);
  if (!(zLoss >= 0 && std::isfinite(zLoss)))
    return op->emitOpError() << "z_loss must be non-negative and finite, got "
                             << formatDouble(zLoss);
  std::optional<APFloat> q = self.getQ();
  if (kind == LossKind::generalized_cross_entropy && !q)
    return op->emitOpError()
           << "the 'generalized_cross_entropy' loss kind needs q";
  if (kind != LossKind::generalized_cross_entropy && q)
    return op->emitOpError() << "q is given but the '" << kindName
                             << "' loss kind does not use it";
  if (q && !(q->convertToDouble() > 0 && q->convertToDouble() <= 1))
    return op->emitOpError()
           << "q must be in (0, 1], got " << formatDouble(q->convertToDouble());
  if (kind == LossKind::sum_exponential && labelSmoothing != 0)
    return op->emitOpError()
           << "label_smoothing is not defined for the 'sum_exponential' loss "
              "kind: its smoothing term sums 1/p over every class, which the "
              "least likely class dominates";
  return success();
}

/// Checks a per-position tensor (a loss with reduction 'none', its
/// gradient, an lse) of `positions` elements of type `elt`.
static LogicalResult checkPerPosition(Operation *op, Value value,
                                      ArrayRef<int64_t> positions, Type elt,
                                      StringRef name, StringRef eltRef,
                                      StringRef layout) {
  auto type = cast<RankedTensorType>(value.getType());
  if (failed(checkElementType(op, type.getElementType(), elt, name, eltRef)) ||
      failed(checkShape(op, type, positions, name, layout)))
    return failure();
  return success();
}

/// Checks a loss value, or the gradient of one: per position with
/// reduction 'none', 0-D otherwise.
static LogicalResult checkLossShaped(Operation *op, Value loss,
                                     ArrayRef<int64_t> positions, Type elt,
                                     Reduction reduction, StringRef name,
                                     StringRef eltRef) {
  if (reduction == Reduction::none)
    return checkPerPosition(op, loss, positions, elt, name, eltRef,
                            "the label shape (reduction 'none')");
  auto type = cast<RankedTensorType>(loss.getType());
  if (failed(checkElementType(op, type.getElementType(), elt, name, eltRef)))
    return failure();
  if (type.getRank() != 0)
    return op->emitOpError()
           << name << " must be a 0-D tensor with reduction '"
           << stringifyReduction(reduction) << "', got " << type;
  return success();
}

/// Checks what cross_entropy and linear_cross_entropy share: the loss and lse
/// results for per-position shape `positions`, and the loss attributes.
template <typename OpTy>
static LogicalResult verifyLoss(OpTy self, ArrayRef<int64_t> positions,
                                Type elt) {
  Operation *op = self;
  if (failed(checkLossShaped(op, self.getLoss(), positions, elt,
                             self.getReduction(), "loss", "logits")))
    return failure();
  if (self.getLse() &&
      failed(checkPerPosition(op, self.getLse(), positions, elt, "lse",
                              "logits", "the label shape")))
    return failure();
  return verifyLossAttributes(self);
}

/// Checks an optional per-class vector operand (weights, bias) against the
/// element type of `ref`; `layout` names its one dimension, "[C]" or "[V]".
static LogicalResult checkClassVector(Operation *op, Value vector,
                                      int64_t classes, Type elt, StringRef name,
                                      StringRef layout, StringRef ref) {
  if (!vector)
    return success();
  auto type = cast<RankedTensorType>(vector.getType());
  if (failed(checkElementType(op, type.getElementType(), elt, name, ref)) ||
      failed(checkShape(op, type, {classes}, name, layout)))
    return failure();
  return success();
}

/// Checks the logits [N, C, d...] (or log-probabilities: `name`), labels
/// [N, d...] and optional weights [C] of a loss; sets `positions` to
/// [N, d...].
static LogicalResult checkLogitsOperands(Operation *op, Value logitsValue,
                                         Value labelsValue, Value weights,
                                         SmallVectorImpl<int64_t> &positions,
                                         StringRef name = "logits") {
  auto logits = cast<RankedTensorType>(logitsValue.getType());
  auto labels = cast<RankedTensorType>(labelsValue.getType());
  if (logits.getRank() < 2)
    return op->emitOpError()
           << name << " must be [N, C] or [N, C, d1, ...], got rank "
           << logits.getRank();
  positions.assign(logits.getShape().begin(), logits.getShape().end());
  int64_t classes = positions[1];
  positions.erase(positions.begin() + 1);
  if (failed(checkShape(
          op, labels, positions, "labels",
          ("the " + name + " shape without the class dimension").str())))
    return failure();
  return checkClassVector(op, weights, classes, logits.getElementType(),
                          "weights", "[C]", name);
}

LogicalResult CrossEntropyOp::verify() {
  SmallVector<int64_t> positions;
  if (failed(checkLogitsOperands(*this, getLogits(), getLabels(), getWeights(),
                                 positions)))
    return failure();
  return verifyLoss(*this, positions, getLogits().getType().getElementType());
}

LogicalResult NllLossOp::verify() {
  SmallVector<int64_t> positions;
  if (failed(checkLogitsOperands(*this, getLogProbs(), getLabels(),
                                 getWeights(), positions, "log_probs")))
    return failure();
  return checkLossShaped(*this, getLoss(), positions,
                         getLogProbs().getType().getElementType(),
                         getReduction(), "loss", "log_probs");
}

/// The operand checks of attic.linear_cross_entropy, shared by its form and
/// the gradient ops.
template <typename OpTy>
static LogicalResult verifyLinearCrossEntropyOperands(OpTy self) {
  Operation *op = self;
  RankedTensorType hidden = self.getHidden().getType(),
                   classifier = self.getClassifier().getType(),
                   labels = self.getLabels().getType();
  if (failed(checkRank(op, hidden, 2, "hidden", "[N, D]")) ||
      failed(checkRank(op, classifier, 2, "classifier", "[V, D]")) ||
      failed(checkElementType(op, classifier.getElementType(),
                              hidden.getElementType(), "classifier",
                              "hidden")) ||
      failed(checkDim(op, classifier.getDimSize(1), hidden.getDimSize(1),
                      "classifier hidden size", "hidden size")) ||
      failed(checkShape(op, labels, {hidden.getDimSize(0)}, "labels", "[N]")))
    return failure();
  Type elt = hidden.getElementType();
  int64_t vocab = classifier.getDimSize(0);
  if (failed(checkClassVector(op, self.getBias(), vocab, elt, "bias", "[V]",
                              "hidden")) ||
      failed(checkClassVector(op, self.getWeights(), vocab, elt, "weights",
                              "[V]", "hidden")) ||
      failed(checkPositive(op, self.getSoftcap(), "softcap",
                           " (omit it to disable capping)")))
    return failure();
  return success();
}

/// The checks of attic.linear_cross_entropy, shared by its form.
template <typename OpTy>
static LogicalResult verifyLinearCrossEntropyLike(OpTy self) {
  if (failed(verifyLinearCrossEntropyOperands(self)))
    return failure();
  RankedTensorType hidden = self.getHidden().getType();
  return verifyLoss(self, {hidden.getDimSize(0)}, hidden.getElementType());
}

/// The checks every gradient of a linear loss shares: the operands of the
/// loss, grad_loss shaped like the loss, and one gradient of the type of
/// each of hidden, classifier and bias.
template <typename OpTy> static LogicalResult verifyLinearLossGrad(OpTy self) {
  Operation *op = self;
  if (failed(verifyLinearCrossEntropyOperands(self)))
    return failure();
  RankedTensorType hidden = self.getHidden().getType();
  if (failed(checkLossShaped(op, self.getGradLoss(), {hidden.getDimSize(0)},
                             hidden.getElementType(), self.getReduction(),
                             "grad_loss", "hidden")))
    return failure();
  auto checkGrad = [&](Value grad, Value of, StringRef name,
                       StringRef ofName) -> LogicalResult {
    if (grad.getType() != of.getType())
      return op->emitOpError()
             << name << " must have the type of " << ofName << ", "
             << of.getType() << ", got " << grad.getType();
    return success();
  };
  if (failed(checkGrad(self.getGradHidden(), self.getHidden(), "grad_hidden",
                       "hidden")) ||
      failed(checkGrad(self.getGradClassifier(), self.getClassifier(),
                       "grad_classifier", "classifier")))
    return failure();
  if (self.getBias() && !self.getGradBias())
    return self.emitOpError("has a bias but no grad_bias result");
  if (!self.getBias() && self.getGradBias())
    return self.emitOpError("has a grad_bias result but no bias");
  if (self.getBias() && failed(checkGrad(self.getGradBias(), self.getBias(),
                                         "grad_bias", "bias")))
    return failure();
  return success();
}

/// The checks of attic.linear_cross_entropy_grad, shared by its form: those
/// of every linear loss gradient, the lse and the loss attributes.
template <typename OpTy>
static LogicalResult verifyLinearCrossEntropyGradLike(OpTy self) {
  if (failed(verifyLinearLossGrad(self)))
    return failure();
  RankedTensorType hidden = self.getHidden().getType();
  if (self.getLse() &&
      failed(checkPerPosition(self, self.getLse(), {hidden.getDimSize(0)},
                              hidden.getElementType(), "lse", "hidden", "[N]")))
    return failure();
  return verifyLossAttributes(self);
}

LogicalResult LinearCrossEntropyOp::verify() {
  return verifyLinearCrossEntropyLike(*this);
}

LogicalResult LinearCrossEntropyGradOp::verify() {
  return verifyLinearCrossEntropyGradLike(*this);
}

/// Checks the attributes of the spherical Z-loss ops: a > 0 and b finite,
/// and none of the cross-entropy attributes it has no use for (attr-dict
/// would otherwise keep them silently).
template <typename OpTy>
static LogicalResult verifySphericalAttributes(OpTy self) {
  Operation *op = self;
  double a = self.getA().convertToDouble(), b = self.getB().convertToDouble();
  if (!(a > 0 && std::isfinite(a)))
    return op->emitOpError()
           << "a must be positive and finite, got " << formatDouble(a);
  if (!std::isfinite(b))
    return op->emitOpError() << "b must be finite, got " << formatDouble(b);
  if (op->hasAttr("label_smoothing"))
    return op->emitOpError()
           << "label_smoothing is not defined for the spherical Z-loss: it "
              "smooths a softmax distribution, and this loss forms none";
  if (op->hasAttr("z_loss"))
    return op->emitOpError()
           << "z_loss is not defined for the spherical Z-loss: it keeps the "
              "log-sum-exp near 0, and this loss does not change when the "
              "logits shift";
  for (StringRef name : {"kind", "q"})
    if (op->hasAttr(name))
      return op->emitOpError()
             << name
             << " is an attribute of the cross-entropy ops; the spherical "
                "Z-loss has its own op";
  return success();
}

/// Checks the loss result of a spherical Z-loss op and its attributes.
template <typename OpTy>
static LogicalResult verifySphericalZLoss(OpTy self,
                                          ArrayRef<int64_t> positions, Type elt,
                                          StringRef eltRef) {
  if (failed(checkLossShaped(self, self.getLoss(), positions, elt,
                             self.getReduction(), "loss", eltRef)))
    return failure();
  return verifySphericalAttributes(self);
}

LogicalResult SphericalZLossOp::verify() {
  SmallVector<int64_t> positions;
  if (failed(checkLogitsOperands(*this, getLogits(), getLabels(), getWeights(),
                                 positions)))
    return failure();
  return verifySphericalZLoss(*this, positions,
                              getLogits().getType().getElementType(), "logits");
}

/// Checks linear_spherical_z_loss and its cut form.
template <typename OpTy>
static LogicalResult verifyLinearSphericalZLoss(OpTy self) {
  if (failed(verifyLinearCrossEntropyOperands(self)))
    return failure();
  RankedTensorType hidden = self.getHidden().getType();
  return verifySphericalZLoss(self, {hidden.getDimSize(0)},
                              hidden.getElementType(), "hidden");
}

/// Checks linear_spherical_z_loss_grad and its cut form.
template <typename OpTy>
static LogicalResult verifyLinearSphericalZLossGrad(OpTy self) {
  if (failed(verifyLinearLossGrad(self)))
    return failure();
  return verifySphericalAttributes(self);
}

LogicalResult LinearSphericalZLossGradOp::verify() {
  return verifyLinearSphericalZLossGrad(*this);
}

LogicalResult LinearSphericalZLossOp::verify() {
  return verifyLinearSphericalZLoss(*this);
}

//===----------------------------------------------------------------------===//
// TopKSoftmaxOp
//===----------------------------------------------------------------------===//

LogicalResult TopKSoftmaxOp::verify() {
  Operation *op = *this;
  RankedTensorType input = getInput().getType();
  if (failed(checkAxis(op, getAxis(), input.getRank())))
    return failure();
  int64_t axis = getAxisIndex(), size = input.getDimSize(axis), k = getK();
  if (k < 1)
    return emitOpError() << "k must be at least 1, got " << k;
  if (!ShapedType::isDynamic(size) && k > size)
    return emitOpError() << "k = " << k << " exceeds the size " << size
                         << " of axis " << axis;
  SmallVector<int64_t> shape(input.getShape());
  shape[axis] = k;
  if (failed(checkElementType(op, getValues().getType().getElementType(),
                              input.getElementType(), "values", "input")) ||
      failed(checkShape(op, getValues().getType(), shape, "values",
                        "the input shape with the axis of size k")) ||
      failed(checkShape(op, getIndices().getType(), shape, "indices",
                        "the input shape with the axis of size k")))
    return failure();
  return success();
}

LogicalResult TopKSoftmaxOp::fold(FoldAdaptor,
                                  SmallVectorImpl<OpFoldResult> &) {
  return success(normalizeAxisInPlace(*this));
}

#define GET_OP_CLASSES
#include "dialects/attic/AtticOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Softmax forms
//===----------------------------------------------------------------------===//

namespace {

/// The checks shared by the softmax forms: the axis, keep_dim only with
/// logsumexp, and the result type of the kind.
LogicalResult verifySoftmaxForm(Operation *op, RankedTensorType input,
                                int64_t axis, SoftmaxKind kind, bool keepDim,
                                RankedTensorType result) {
  if (failed(checkAxis(op, axis, input.getRank())))
    return failure();
  if (axis < 0)
    axis += input.getRank();
  if (keepDim && kind != SoftmaxKind::logsumexp)
    return op->emitOpError("keep_dim applies to logsumexp only, not to ")
           << stringifySoftmaxKind(kind);
  if (failed(checkElementType(op, result.getElementType(),
                              input.getElementType(), "result", "input")))
    return failure();
  if (kind != SoftmaxKind::logsumexp)
    return checkShape(op, result, input.getShape(), "result",
                      "the input shape");
  RankedTensorType expected =
      LogSumExpOp::inferResultType(input, axis, keepDim);
  return checkShape(op, result, expected.getShape(), "result",
                    keepDim ? "the input shape with the axis set to 1"
                            : "the input shape without the axis");
}

} // namespace

LogicalResult OnlineSoftmaxOp::verify() {
  return verifySoftmaxForm(*this, getInput().getType(), getAxis(), getKind(),
                           getKeepDim(), getType());
}

LogicalResult TwoPassSoftmaxOp::verify() {
  return verifySoftmaxForm(*this, getInput().getType(), getAxis(), getKind(),
                           getKeepDim(), getType());
}

//===----------------------------------------------------------------------===//
// Attention forms
//===----------------------------------------------------------------------===//

/// A block size attribute of a form op: its name and value.
struct BlockSize {
  StringRef name;
  int64_t value;
};

/// Checks that both block sizes of a form op are at least 1.
static LogicalResult checkBlockSizes(Operation *op, BlockSize first,
                                     BlockSize second) {
  if (first.value >= 1 && second.value >= 1)
    return success();
  return op->emitOpError() << "block sizes must be at least 1, got "
                           << first.name << " = " << first.value << " and "
                           << second.name << " = " << second.value;
}

std::optional<double> FlashAttentionOp::getEffectiveScale() {
  return effectiveScale(getScale(), getQuery().getType());
}

LogicalResult FlashAttentionOp::verify() {
  if (getKernel() != AttentionKernel::softmax &&
      getKernel() != AttentionKernel::softplus)
    return emitOpError() << "takes the softmax and softplus kernels, not '"
                         << stringifyAttentionKernel(getKernel()) << "'";
  if (failed(checkBlockSizes(*this, {"block_q", getBlockQ()},
                             {"block_kv", getBlockKv()})))
    return failure();
  return verifyAttentionLike(*this);
}

/// Checks that the query, key and value of a form have static shapes.
static LogicalResult checkStaticShapes(Operation *op, ValueRange tensors) {
  static const char *names[] = {"query", "key", "value"};
  for (auto [name, value] : llvm::zip(names, tensors))
    if (!cast<ShapedType>(value.getType()).hasStaticShape())
      return op->emitOpError() << "needs static shapes, but the " << name
                               << " has type " << value.getType();
  return success();
}

/// Checks that a chunked form's chunk size is at least 1 and that its
/// query, key and value have static shapes.
static LogicalResult checkChunkedForm(Operation *op, int64_t chunkSize,
                                      ValueRange tensors) {
  if (chunkSize < 1)
    return op->emitOpError()
           << "chunk_size must be at least 1, got " << chunkSize;
  return checkStaticShapes(op, tensors);
}

LogicalResult LinearizedAttentionOp::verify() {
  if (!isFeatureMapKernel(getKernel()))
    return emitOpError() << "takes the feature-map kernels (elu_plus_one, "
                         << "relu, squared_relu), not '"
                         << stringifyAttentionKernel(getKernel()) << "'";
  if (failed(checkChunkedForm(*this, getChunkSize(),
                              {getQuery(), getKey(), getValue()})) ||
      failed(verifyAttentionLike(*this)))
    return failure();
  if (getLeftWindow() || getRightWindow())
    return emitOpError() << "sliding windows do not factorize; the "
                         << "linearized form takes none";
  if (getCausal() && getKvLengths())
    return emitOpError() << "kv_lengths with causal moves each batch's "
                         << "diagonal; the linearized form takes them apart "
                         << "only";
  if (Value mask = getMask()) {
    auto type = cast<RankedTensorType>(mask.getType());
    int64_t rank = type.getRank();
    // Dimensions 1 (Hq) and 2 (Sq) of the broadcast shape must be 1.
    for (int64_t t = 1; t <= 2; ++t) {
      int64_t m = rank - 4 + t;
      if (m >= 0 && type.getDimSize(m) != 1)
        return emitOpError() << "mask dimension " << m << " varies with the "
                             << (t == 1 ? "query head" : "query position")
                             << "; the linearized form takes key padding "
                             << "masks ([B, 1, 1, Skv]) only";
    }
  }
  return success();
}

std::optional<double> NystromAttentionOp::getEffectiveScale() {
  return effectiveScale(getScale(), getQuery().getType());
}

LogicalResult NystromAttentionOp::verify() {
  if (getKernel() != AttentionKernel::gaussian)
    return emitOpError() << "takes the gaussian kernel, not '"
                         << stringifyAttentionKernel(getKernel()) << "'";
  if (failed(checkStaticShapes(*this, {getQuery(), getKey(), getValue()})) ||
      failed(verifyAttentionLike(*this)))
    return failure();
  if (getMask() || getKvLengths() || getCausal() || getLeftWindow() ||
      getRightWindow())
    return emitOpError() << "masks, kv_lengths, causal and windows do not "
                         << "factorize through landmarks; the Nystrom form "
                         << "takes none";
  int64_t sq = getQuery().getType().getDimSize(2),
          skv = getKey().getType().getDimSize(2);
  if (getLandmarks() < 1 || getLandmarks() > std::min(sq, skv))
    return emitOpError() << "landmarks must be in [1, min(Sq, Skv) = "
                         << std::min(sq, skv) << "], got " << getLandmarks();
  if (getIterations() < 1)
    return emitOpError() << "iterations must be at least 1, got "
                         << getIterations();
  return success();
}

std::optional<double> ChunkedLinearAttentionOp::getEffectiveScale() {
  return effectiveScale(getScale(), getQuery().getType());
}

LogicalResult ChunkedLinearAttentionOp::verify() {
  if (failed(checkChunkedForm(*this, getChunkSize(),
                              {getQuery(), getKey(), getValue()})))
    return failure();
  return verifyLinearAttentionLike(*this);
}

/// Checks the token and class block sizes of a cut loss form.
template <typename OpTy> static LogicalResult checkLossBlockSizes(OpTy self) {
  return checkBlockSizes(self, {"block_n", self.getBlockN()},
                         {"block_v", self.getBlockV()});
}

LogicalResult CutCrossEntropyOp::verify() {
  if (failed(checkLossBlockSizes(*this)))
    return failure();
  return verifyLinearCrossEntropyLike(*this);
}

LogicalResult CutCrossEntropyGradOp::verify() {
  if (failed(checkLossBlockSizes(*this)))
    return failure();
  double eps = getFilterEps().convertToDouble();
  if (!(eps >= 0 && eps < 1))
    return emitOpError() << "filter_eps must be in [0, 1), got "
                         << formatDouble(eps);
  return verifyLinearCrossEntropyGradLike(*this);
}

LogicalResult CutSphericalZLossOp::verify() {
  if (failed(checkLossBlockSizes(*this)))
    return failure();
  return verifyLinearSphericalZLoss(*this);
}

LogicalResult CutSphericalZLossGradOp::verify() {
  if (failed(checkLossBlockSizes(*this)))
    return failure();
  return verifyLinearSphericalZLossGrad(*this);
}
