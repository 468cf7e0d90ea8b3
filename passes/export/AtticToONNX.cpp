//===- AtticToONNX.cpp - attic ops back to ONNX operators -----------------===//
//
// Before an optimized model is written out, every attic op becomes the
// ONNX operator that computes it, so that ONNX Runtime runs the model:
//
//   attic.softmax / log_softmax     Softmax / LogSoftmax
//   attic.logsumexp                 ReduceLogSumExp
//   attic.attention                 Attention (opset 23; 24 with
//                                   kv_lengths); windows, and a causal
//                                   diagonal that ONNX aligns differently
//                                   (fewer queries than keys), are a mask
//                                   instead (a constant, or computed from
//                                   the shapes for dynamic lengths)
//   attic.linear_attention          LinearAttention (27), heads merged into
//                                   [B, T, H * D] around it
//   attic.cross_entropy             SoftmaxCrossEntropyLoss
//   attic.nll_loss                  NegativeLogLikelihoodLoss
//   attic.linear_cross_entropy      Gemm (transB) + SoftmaxCrossEntropyLoss
//   attic.topk_softmax              Softmax + TopK (+ Div by the values'
//                                   ReduceSum when renormalized)
//
// What ONNX has no operator for (other kernels, the length scale, label
// smoothing, z-loss, other loss kinds, a softcap on a classifier, gradient
// and form ops) is one error naming the op and why.
//
//===----------------------------------------------------------------------===//

#include "passes/export/Transforms.h"
#include "passes/raise/Match.h"

#include "dialects/attic/AtticOps.h"
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/SymbolicShapes.h"

#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::attic;
using raise::i64Constant;

namespace {

/// The replacement values of one attic op, or failure after an error.
using Exported = FailureOr<SmallVector<Value>>;

Value none(OpBuilder &b, Location loc) {
  return onnxir::NoneOp::create(b, loc, b.getNoneType());
}

NamedAttribute i64Attr(OpBuilder &b, StringRef name, int64_t v) {
  return b.getNamedAttr(name, b.getI64IntegerAttr(v));
}

NamedAttribute f32Attr(OpBuilder &b, StringRef name, double v) {
  return b.getNamedAttr(name, b.getF32FloatAttr(static_cast<float>(v)));
}

/// onnx.Reshape of `x` to `shape` (0 copies, -1 is inferred), typed `type`.
Value reshape(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> shape,
              ArrayRef<int64_t> typeShape) {
  auto type = cast<RankedTensorType>(x.getType());
  return onnxir::ReshapeOp::create(
      b, loc, RankedTensorType::get(typeShape, type.getElementType()), x,
      i64Constant(b, loc, shape));
}

int64_t product(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b)
             ? ShapedType::kDynamic
             : a * b;
}

/// [B, H, S, D] -> [B, S, H * D].
Value mergeHeads(OpBuilder &b, Location loc, Value x) {
  Value t = raise::buildTranspose(b, loc, x, {0, 2, 1, 3});
  auto s = cast<RankedTensorType>(t.getType()).getShape();
  return reshape(b, loc, t, {0, 0, -1}, {s[0], s[1], product(s[2], s[3])});
}

/// [B, S, H * D] -> [B, H, S, D] with `heads` heads.
Value splitHeads(OpBuilder &b, Location loc, Value x, int64_t heads) {
  auto s = cast<RankedTensorType>(x.getType()).getShape();
  int64_t d = ShapedType::isDynamic(s[2]) ? ShapedType::kDynamic : s[2] / heads;
  return raise::buildTranspose(
      b, loc, reshape(b, loc, x, {0, 0, heads, -1}, {s[0], s[1], heads, d}),
      {0, 2, 1, 3});
}

/// What ONNX's Attention and ONNX Runtime's MultiHeadAttention share: the
/// checks of the kernel, and the mask, with a causal diagonal or window
/// that they would place differently (more keys than queries) turned into
/// part of it, and expanded to the scores' last two dimensions (which
/// ONNX Runtime wants). `causal`, `left` and `right` are what is left for
/// the operator's own attributes.
struct AttentionMask {
  Value mask;
  bool causal = false;
  std::optional<int64_t> left, right;
};

FailureOr<AttentionMask> exportedMask(OpBuilder &b, AttentionOp op,
                                      StringRef opName) {
  Location loc = op.getLoc();
  if (op.getKernel() != AttentionKernel::softmax)
    return op.emitOpError()
           << "cannot be exported: " << opName << " has no '"
           << stringifyAttentionKernel(op.getKernel()) << "' kernel";
  if (op.getTrainLength() || op.getReweightPower())
    return op.emitOpError()
           << "cannot be exported: " << opName << " has no length scale";
  RankedTensorType q = op.getQuery().getType(), k = op.getKey().getType();
  int64_t sq = q.getDimSize(2), skv = k.getDimSize(2);
  bool diagonal = op.getCausal() || op.getLeftWindow() || op.getRightWindow();
  // ONNX puts the diagonal at the top left without a cache; attic at the
  // end of the keys: the same for square scores.
  // (Dynamic lengths are square when they are the same symbol: a
  // self-attention's queries and keys both of length `seq`.)
  onnxir::SymbolicShapes shapes = raise::symbolicShapes();
  bool square = (!ShapedType::isDynamic(sq) && sq == skv) ||
                shapes.sameDim(op.getQuery(), 2, op.getKey(), 2);
  AttentionMask result{op.getMask(), op.getCausal(), op.getLeftWindow(),
                       op.getRightWindow()};
  // Windows are a mask too: ONNX has them from Attention-25 only, which
  // ONNX Runtime does not run. With key lengths (nonpad_kv_seqlen) and no
  // cache, ONNX's causal diagonal sits at each batch row's key count, as
  // attic's does.
  bool window = op.getLeftWindow() || op.getRightWindow();
  Value lengths = op.getKvLengths();
  if (diagonal && (window || (!square && !lengths))) {
    // (Attic's diagonal at L[b] - Sq with key lengths, else Skv - Sq.)
    Value offset;
    if (lengths)
      offset = onnxir::SubOp::create(b, loc, lengths.getType(), lengths,
                                     raise::dimOf(b, loc, op.getQuery(), 2));
    Value visible =
        lengths || ShapedType::isDynamic(sq) || ShapedType::isDynamic(skv)
            ? raise::visibilityMask(b, loc, op.getQuery(), op.getKey(), offset,
                                    /*lengths=*/Value(), result.causal,
                                    result.left, result.right)
            : raise::diagonalMaskOf(b, loc, sq, skv, skv - sq, result.causal,
                                    result.left.value_or(-1),
                                    result.right.value_or(-1));
    result.mask =
        raise::combineMasks(b, loc, result.mask, visible, q.getElementType());
    result.causal = false;
    result.left = result.right = std::nullopt;
  }
  if (Value mask = result.mask) {
    auto maskType = cast<RankedTensorType>(mask.getType());
    int64_t rank = maskType.getRank();
    auto fits = [&](int64_t d, int64_t size, Value of, int64_t dim) {
      return (!ShapedType::isDynamic(size) && d == size) ||
             shapes.sameDim(mask, d - rank, of, dim);
    };
    bool full = rank >= 2 &&
                fits(maskType.getDimSize(rank - 2), sq, op.getQuery(), 2) &&
                fits(maskType.getDimSize(rank - 1), skv, op.getKey(), 2);
    // ONNX Runtime takes masks [.., Sq, Skv] only: one that broadcasts
    // over the queries (a key padding mask) is expanded, to lengths read
    // from Q and K's shapes where they are dynamic.
    if (!full) {
      Value target;
      if (!ShapedType::isDynamic(sq) && !ShapedType::isDynamic(skv)) {
        target = i64Constant(b, loc, {sq, skv});
      } else {
        auto length = [&](Value x) -> Value {
          return onnxir::ShapeOp::create(
              b, loc, RankedTensorType::get({1}, b.getI64Type()), x,
              b.getI64IntegerAttr(3), b.getI64IntegerAttr(2));
        };
        target = onnxir::ConcatOp::create(
            b, loc, RankedTensorType::get({2}, b.getI64Type()),
            ValueRange{length(op.getQuery()), length(op.getKey())},
            b.getI64IntegerAttr(0));
      }
      result.mask = onnxir::ExpandOp::create(
          b, loc,
          RankedTensorType::get(
              raise::broadcastShape(maskType.getShape(), {sq, skv}),
              maskType.getElementType()),
          mask, target);
    }
  }
  return result;
}

Exported exportAttention(OpBuilder &b, AttentionOp op) {
  Location loc = op.getLoc();
  FailureOr<AttentionMask> m = exportedMask(b, op, "ONNX Attention");
  if (failed(m))
    return failure();
  SmallVector<NamedAttribute> attrs;
  if (m->causal)
    attrs.push_back(i64Attr(b, "is_causal", 1));
  if (auto scale = op.getScale())
    attrs.push_back(f32Attr(b, "scale", scale->convertToDouble()));
  if (auto cap = op.getSoftcap())
    attrs.push_back(f32Attr(b, "softcap", cap->convertToDouble()));
  if (m->left)
    attrs.push_back(i64Attr(b, "left_window_size", *m->left));
  if (m->right)
    attrs.push_back(i64Attr(b, "right_window_size", *m->right));
  Value absent = none(b, loc);
  Value lengths = op.getKvLengths() ? op.getKvLengths() : absent;
  auto node = onnxir::AttentionOp::create(
      b, loc,
      TypeRange{op.getType(), b.getNoneType(), b.getNoneType(),
                b.getNoneType()},
      ValueRange{op.getQuery(), op.getKey(), op.getValue(),
                 m->mask ? m->mask : absent, absent, absent, lengths},
      attrs);
  return SmallVector<Value>{node.getY()};
}

/// ONNX Runtime's com.microsoft MultiHeadAttention, for runtimes older
/// than ONNX's Attention: [B, S, H * D] query, key and value, a float
/// attention_bias [B or 1, H or 1, Sq, Skv] (a boolean mask becomes 0 or
/// the lowest float), unidirectional for a causal diagonal of square
/// scores.
Exported exportMultiHeadAttention(OpBuilder &b, AttentionOp op) {
  Location loc = op.getLoc();
  StringRef name = "MultiHeadAttention";
  RankedTensorType q = op.getQuery().getType(), k = op.getKey().getType();
  int64_t heads = q.getDimSize(1);
  if (ShapedType::isDynamic(heads) || heads != k.getDimSize(1))
    return op.emitOpError() << "cannot be exported: " << name
                            << " needs as many key/value heads as query "
                               "heads (static)";
  if (op.getSoftcap())
    return op.emitOpError()
           << "cannot be exported: " << name << " has no softcap";
  if (op.getKvLengths())
    return op.emitOpError() << "cannot be exported: " << name
                            << " takes no key lengths here; use ONNX's "
                               "Attention";
  FailureOr<AttentionMask> m = exportedMask(b, op, name);
  if (failed(m))
    return failure();
  if (m->left || m->right)
    return op.emitOpError()
           << "cannot be exported: " << name << " has no sliding window";
  Type elt = q.getElementType();
  Value absent = none(b, loc);
  Value bias = absent;
  if (Value mask = m->mask) {
    auto maskType = cast<RankedTensorType>(mask.getType());
    if (maskType.getElementType().isInteger(1)) {
      auto scalar = RankedTensorType::get({}, elt);
      auto floats = cast<FloatType>(elt);
      Value zero = onnxir::ConstantOp::create(
          b, loc, scalar,
          DenseElementsAttr::get(scalar,
                                 APFloat::getZero(floats.getFloatSemantics())));
      Value lowest = onnxir::ConstantOp::create(
          b, loc, scalar,
          DenseElementsAttr::get(scalar,
                                 APFloat::getLargest(floats.getFloatSemantics(),
                                                     /*Negative=*/true)));
      mask = onnxir::WhereOp::create(
          b, loc, RankedTensorType::get(maskType.getShape(), elt), mask, zero,
          lowest);
      maskType = cast<RankedTensorType>(mask.getType());
    }
    // attention_bias is 4-D.
    if (maskType.getRank() < 4) {
      SmallVector<int64_t> shape(4 - maskType.getRank(), 1);
      llvm::append_range(shape, maskType.getShape());
      mask =
          onnxir::ReshapeOp::create(b, loc, RankedTensorType::get(shape, elt),
                                    mask, i64Constant(b, loc, shape));
    }
    bias = mask;
  }
  SmallVector<NamedAttribute> attrs = {i64Attr(b, "num_heads", heads)};
  if (m->causal)
    attrs.push_back(i64Attr(b, "unidirectional", 1));
  if (auto scale = op.getScale())
    attrs.push_back(f32Attr(b, "scale", scale->convertToDouble()));
  auto outShape = op.getType().getShape();
  auto packed = RankedTensorType::get(
      {outShape[0], outShape[2], product(outShape[1], outShape[3])}, elt);
  auto node = onnxir::NodeOp::create(
      b, loc, TypeRange{packed}, b.getStringAttr("com.microsoft"),
      b.getStringAttr(name), b.getDictionaryAttr(attrs),
      ValueRange{mergeHeads(b, loc, op.getQuery()),
                 mergeHeads(b, loc, op.getKey()),
                 mergeHeads(b, loc, op.getValue()), absent, absent, bias});
  return SmallVector<Value>{splitHeads(b, loc, node.getResult(0), heads)};
}

Exported exportLinearAttention(OpBuilder &b, LinearAttentionOp op) {
  Location loc = op.getLoc();
  RankedTensorType q = op.getQuery().getType(), k = op.getKey().getType();
  int64_t hq = q.getDimSize(1), hkv = k.getDimSize(1);
  if (ShapedType::isDynamic(hq) || ShapedType::isDynamic(hkv))
    return op.emitOpError("cannot be exported: ONNX LinearAttention needs "
                          "static head counts");
  Value absent = none(b, loc);
  // decay [B, H, T] -> [B, T, H]; [B, H, T, Dk] -> [B, T, H * Dk]; beta
  // [B, H or 1, T] -> [B, T, H or 1].
  Value decay = absent, beta = absent;
  if (Value d = op.getDecay())
    decay = cast<RankedTensorType>(d.getType()).getRank() == 3
                ? raise::buildTranspose(b, loc, d, {0, 2, 1})
                : mergeHeads(b, loc, d);
  if (Value v = op.getBeta())
    beta = raise::buildTranspose(b, loc, v, {0, 2, 1});
  Value query = mergeHeads(b, loc, op.getQuery());
  Value key = mergeHeads(b, loc, op.getKey());
  Value value = mergeHeads(b, loc, op.getValue());
  SmallVector<NamedAttribute> attrs = {
      i64Attr(b, "q_num_heads", hq), i64Attr(b, "kv_num_heads", hkv),
      b.getNamedAttr("update_rule",
                     b.getStringAttr(stringifyUpdateRule(op.getUpdateRule())))};
  if (auto scale = op.getScale())
    attrs.push_back(f32Attr(b, "scale", scale->convertToDouble()));
  auto outShape = op.getOutput().getType().getShape();
  auto packedOut = RankedTensorType::get(
      {outShape[0], outShape[2], product(outShape[1], outShape[3])},
      q.getElementType());
  auto node = onnxir::LinearAttentionOp::create(
      b, loc, TypeRange{packedOut, op.getPresentState().getType()},
      ValueRange{query, key, value,
                 op.getPastState() ? op.getPastState() : absent, decay, beta},
      attrs);
  return SmallVector<Value>{splitHeads(b, loc, node.getOutput(), hq),
                            node.getPresentState()};
}

/// Checks that a loss op's attributes are ONNX's: plain cross-entropy, no
/// smoothing, no z-loss, no lse result in use.
template <typename OpTy> LogicalResult checkOnnxLoss(OpTy op) {
  if (op.getKind() != LossKind::cross_entropy)
    return op.emitOpError() << "cannot be exported: ONNX has no '"
                            << stringifyLossKind(op.getKind()) << "' loss";
  if (op.getZLoss().convertToDouble() != 0.0)
    return op.emitOpError("cannot be exported: ONNX's cross-entropy has no "
                          "z-loss");
  if (op.getLabelSmoothing().convertToDouble() != 0.0 && op.getWeights())
    return op.emitOpError("cannot be exported: label smoothing with class "
                          "weights has no ONNX spelling here");
  if (op.getLse() && !op.getLse().use_empty())
    return op.emitOpError("cannot be exported: its log-sum-exp result is "
                          "used");
  return success();
}

/// The attributes of an ONNX loss node from an attic loss op.
template <typename OpTy>
SmallVector<NamedAttribute> lossAttrs(OpBuilder &b, OpTy op) {
  SmallVector<NamedAttribute> attrs = {b.getNamedAttr(
      "reduction", b.getStringAttr(stringifyReduction(op.getReduction())))};
  if (auto ignore = op.getIgnoreIndex())
    attrs.push_back(i64Attr(b, "ignore_index", *ignore));
  return attrs;
}

/// Label-smoothed cross-entropy in ONNX operators, per position (1 - eps)
/// SoftmaxCrossEntropyLoss(none) + eps * -ReduceMean(LogSoftmax, classes)
/// (0 at ignored labels), then the reduction (the mean over the labels not
/// ignored).
template <typename OpTy>
Value smoothedCrossEntropy(OpBuilder &b, OpTy op, Value logits) {
  Location loc = op.getLoc();
  double eps = op.getLabelSmoothing().convertToDouble();
  auto x = cast<RankedTensorType>(logits.getType());
  Type elt = x.getElementType();
  Value labels = op.getLabels();
  auto labelsType = cast<RankedTensorType>(labels.getType());
  auto perPosition = RankedTensorType::get(labelsType.getShape(), elt);
  auto scalarType = RankedTensorType::get({}, elt);
  auto constant = [&](double v) -> Value {
    return onnxir::ConstantOp::create(
        b, loc, scalarType,
        DenseElementsAttr::get(scalarType, b.getFloatAttr(elt, v)));
  };
  SmallVector<NamedAttribute> attrs = {
      b.getNamedAttr("reduction", b.getStringAttr("none"))};
  if (auto ignore = op.getIgnoreIndex())
    attrs.push_back(i64Attr(b, "ignore_index", *ignore));
  Value nll = onnxir::SoftmaxCrossEntropyLossOp::create(
                  b, loc, TypeRange{perPosition, b.getNoneType()},
                  ValueRange{logits, labels, none(b, loc)}, attrs)
                  .getOutput();
  Value logp =
      onnxir::LogSoftmaxOp::create(b, loc, x, logits, b.getI64IntegerAttr(1));
  Value smooth = onnxir::NegOp::create(
      b, loc, perPosition,
      onnxir::ReduceMeanOp::create(b, loc, TypeRange{perPosition},
                                   ValueRange{logp, i64Constant(b, loc, {1})},
                                   {i64Attr(b, "keepdims", 0)}));
  Value keep;
  if (auto ignore = op.getIgnoreIndex()) {
    auto maskType = RankedTensorType::get(labelsType.getShape(), b.getI1Type());
    auto labelScalar = RankedTensorType::get({}, labelsType.getElementType());
    Value ignored = onnxir::EqualOp::create(
        b, loc, maskType, labels,
        onnxir::ConstantOp::create(
            b, loc, labelScalar,
            DenseElementsAttr::get(
                labelScalar,
                b.getIntegerAttr(labelsType.getElementType(), *ignore))));
    keep = onnxir::NotOp::create(b, loc, maskType, ignored);
    smooth = onnxir::WhereOp::create(b, loc, perPosition, keep, smooth,
                                     constant(0.0));
  }
  Value loss = onnxir::AddOp::create(
      b, loc, perPosition,
      onnxir::MulOp::create(b, loc, perPosition, nll, constant(1.0 - eps)),
      onnxir::MulOp::create(b, loc, perPosition, smooth, constant(eps)));
  auto total = [&](Value v) -> Value {
    return onnxir::ReduceSumOp::create(b, loc, TypeRange{scalarType},
                                       ValueRange{v, none(b, loc)},
                                       {i64Attr(b, "keepdims", 0)});
  };
  switch (op.getReduction()) {
  case Reduction::none:
    return loss;
  case Reduction::sum:
    return total(loss);
  case Reduction::mean:
    if (!keep)
      return onnxir::ReduceMeanOp::create(b, loc, TypeRange{scalarType},
                                          ValueRange{loss, none(b, loc)},
                                          {i64Attr(b, "keepdims", 0)});
    return onnxir::DivOp::create(
        b, loc, scalarType, total(loss),
        total(onnxir::WhereOp::create(b, loc, perPosition, keep, constant(1.0),
                                      constant(0.0))));
  }
  llvm_unreachable("a reduction attic has");
}

/// SoftmaxCrossEntropyLoss of `logits` (with label smoothing written
/// out); the values replacing `op`'s results (the lse, unused, by nothing).
template <typename OpTy>
Exported crossEntropyNode(OpBuilder &b, OpTy op, Value logits) {
  Location loc = op.getLoc();
  if (op.getLabelSmoothing().convertToDouble() != 0.0) {
    SmallVector<Value> results = {raise::castTo(
        b, loc, smoothedCrossEntropy(b, op, logits), op.getLoss().getType())};
    if (op.getLse())
      results.push_back(Value());
    return results;
  }
  Value weights = op.getWeights() ? op.getWeights() : none(b, loc);
  auto node = onnxir::SoftmaxCrossEntropyLossOp::create(
      b, loc, TypeRange{op.getLoss().getType(), b.getNoneType()},
      ValueRange{logits, op.getLabels(), weights}, lossAttrs(b, op));
  SmallVector<Value> results = {node.getOutput()};
  if (op.getLse())
    results.push_back(Value());
  return results;
}

Exported exportLinearCrossEntropy(OpBuilder &b, LinearCrossEntropyOp op) {
  Location loc = op.getLoc();
  if (op.getSoftcap())
    return op.emitOpError("cannot be exported: a soft-capped classifier has "
                          "no ONNX operator");
  if (failed(checkOnnxLoss(op)))
    return failure();
  RankedTensorType h = op.getHidden().getType(),
                   c = op.getClassifier().getType();
  auto logitsType = RankedTensorType::get({h.getDimSize(0), c.getDimSize(0)},
                                          h.getElementType());
  Value logits = onnxir::GemmOp::create(
      b, loc, TypeRange{logitsType},
      ValueRange{op.getHidden(), op.getClassifier(),
                 op.getBias() ? op.getBias() : none(b, loc)},
      {i64Attr(b, "transB", 1)});
  return crossEntropyNode(b, op, logits);
}

Exported exportTopKSoftmax(OpBuilder &b, TopKSoftmaxOp op) {
  Location loc = op.getLoc();
  int64_t axis = op.getAxisIndex();
  Value probs =
      onnxir::SoftmaxOp::create(b, loc, op.getInput().getType(), op.getInput(),
                                b.getI64IntegerAttr(axis));
  auto topk = onnxir::TopKOp::create(
      b, loc, TypeRange{op.getValues().getType(), op.getIndices().getType()},
      ValueRange{probs, i64Constant(b, loc, {op.getK()})},
      {i64Attr(b, "axis", axis)});
  Value values = topk.getValues();
  if (op.getRenormalize()) {
    auto type = cast<RankedTensorType>(values.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape[axis] = 1;
    Value sum = onnxir::ReduceSumOp::create(
        b, loc, TypeRange{RankedTensorType::get(shape, type.getElementType())},
        ValueRange{values, i64Constant(b, loc, {axis})},
        {i64Attr(b, "keepdims", 1)});
    values = onnxir::DivOp::create(b, loc, type, values, sum);
  }
  return SmallVector<Value>{values, topk.getIndices()};
}

Exported exportOp(OpBuilder &b, Operation *op,
                  const AtticToONNXOptions &options) {
  Location loc = op->getLoc();
  return TypeSwitch<Operation *, Exported>(op)
      .Case([&](SoftmaxOp o) -> Exported {
        return SmallVector<Value>{
            onnxir::SoftmaxOp::create(b, loc, o.getType(), o.getInput(),
                                      b.getI64IntegerAttr(o.getAxisIndex()))};
      })
      .Case([&](LogSoftmaxOp o) -> Exported {
        return SmallVector<Value>{onnxir::LogSoftmaxOp::create(
            b, loc, o.getType(), o.getInput(),
            b.getI64IntegerAttr(o.getAxisIndex()))};
      })
      .Case([&](LogSumExpOp o) -> Exported {
        return SmallVector<Value>{onnxir::ReduceLogSumExpOp::create(
            b, loc, TypeRange{o.getType()},
            ValueRange{o.getInput(), i64Constant(b, loc, {o.getAxisIndex()})},
            {i64Attr(b, "keepdims", o.getKeepDim() ? 1 : 0)})};
      })
      .Case([&](AttentionOp o) {
        return options.microsoftAttention ? exportMultiHeadAttention(b, o)
                                          : exportAttention(b, o);
      })
      .Case([&](LinearAttentionOp o) { return exportLinearAttention(b, o); })
      .Case([&](CrossEntropyOp o) -> Exported {
        if (failed(checkOnnxLoss(o)))
          return failure();
        return crossEntropyNode(b, o, o.getLogits());
      })
      .Case([&](NllLossOp o) -> Exported {
        Value weights = o.getWeights() ? o.getWeights() : none(b, loc);
        return SmallVector<Value>{onnxir::NegativeLogLikelihoodLossOp::create(
            b, loc, TypeRange{o.getType()},
            ValueRange{o.getLogProbs(), o.getLabels(), weights},
            lossAttrs(b, o))};
      })
      .Case([&](LinearCrossEntropyOp o) {
        return exportLinearCrossEntropy(b, o);
      })
      .Case([&](TopKSoftmaxOp o) { return exportTopKSoftmax(b, o); })
      .Default([&](Operation *) -> Exported {
        return op->emitOpError("cannot be exported: ONNX has no operator for "
                               "it (export before choosing forms)");
      });
}

} // namespace

LogicalResult mlir::attic::lowerAtticToONNX(RewriterBase &rewriter,
                                            Operation *root,
                                            const AtticToONNXOptions &options) {
  SmallVector<Operation *> ops;
  root->walk([&](Operation *op) {
    if (isa<AtticDialect>(op->getDialect()))
      ops.push_back(op);
  });
  for (Operation *op : ops) {
    rewriter.setInsertionPoint(op);
    Exported exported = exportOp(rewriter, op, options);
    if (failed(exported))
      return failure();
    rewriter.replaceOp(op, *exported);
  }
  return success();
}
