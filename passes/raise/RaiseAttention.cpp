//===- RaiseAttention.cpp - ONNX Attention and LinearAttention nodes ------===//
//
//   onnx.Attention (opsets 23-25)  -> attic.attention
//   onnx.LinearAttention (27)      -> attic.linear_attention
//
// The attributes map one to one (is_causal -> causal, nonpad_kv_seqlen ->
// kv_lengths, window sizes -> windows, softcap, scale) where they mean the
// same: the causal diagonal sits at each batch row's key count with
// nonpad_kv_seqlen and no cache, as attic's does; with a cache it needs as
// many new keys as queries, else it becomes a constant mask (And with a
// boolean one, -inf where a float one is). An opset-24 mask whose key
// dimension is shorter than the keys is padded as masked. 3-D inputs
// [B, S, H * D] are split into heads by onnx.Reshape and onnx.Transpose
// (and the result merged back), so the raised graph is ONNX again around
// the attic op; past key and value are concatenated in front of K and V,
// which is also what present_key and present_value are. A used
// qk_matmul_output is computed beside the attention in its mode (the
// scaled products, capped, masked, or their softmax). A node whose mask
// does not broadcast to the scores is left alone.
//
//===----------------------------------------------------------------------===//

#include "passes/raise/Match.h"
#include "passes/raise/Transforms.h"

#include "dialects/attic/AtticOps.h"
#include "dialects/onnx/ONNXOps.h"

#include "mlir/IR/PatternMatch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::raise;

namespace {

bool isNone(Value v) { return !v || isa<NoneType>(v.getType()); }

/// onnx.Reshape of `x` to `shape` (0 copies the input's dimension, -1 is
/// inferred), typed `type`.
Value reshape(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> shape,
              RankedTensorType type) {
  return onnxir::ReshapeOp::create(b, loc, type, x, i64Constant(b, loc, shape));
}

/// The type of [B, S, H * D] split into [B, S, H, D].
RankedTensorType splitType(RankedTensorType type, int64_t heads) {
  int64_t hd = type.getDimSize(2);
  int64_t d = ShapedType::isDynamic(hd) ? ShapedType::kDynamic : hd / heads;
  return RankedTensorType::get(
      {type.getDimSize(0), type.getDimSize(1), heads, d},
      type.getElementType());
}

/// The type of [B, S, H * D] as [B, H, S, D].
RankedTensorType headsType(RankedTensorType type, int64_t heads) {
  RankedTensorType split = splitType(type, heads);
  return RankedTensorType::get(
      {split.getDimSize(0), heads, split.getDimSize(1), split.getDimSize(3)},
      type.getElementType());
}

/// The type of [B, H, S, D] as [B, S, H * D].
RankedTensorType mergedType(RankedTensorType type) {
  int64_t h = type.getDimSize(1), d = type.getDimSize(3);
  int64_t hd = ShapedType::isDynamic(h) || ShapedType::isDynamic(d)
                   ? ShapedType::kDynamic
                   : h * d;
  return RankedTensorType::get({type.getDimSize(0), type.getDimSize(2), hd},
                               type.getElementType());
}

/// The type of `x` and `y` concatenated along `axis`.
RankedTensorType concatType(RankedTensorType x, RankedTensorType y,
                            int64_t axis) {
  SmallVector<int64_t> shape(x.getShape());
  shape[axis] = ShapedType::isDynamic(x.getDimSize(axis)) ||
                        ShapedType::isDynamic(y.getDimSize(axis))
                    ? ShapedType::kDynamic
                    : x.getDimSize(axis) + y.getDimSize(axis);
  return RankedTensorType::get(shape, x.getElementType());
}

/// [B, S, H * D] -> [B, H, S, D].
Value splitHeads(OpBuilder &b, Location loc, Value x, int64_t heads) {
  auto type = cast<RankedTensorType>(x.getType());
  return buildTranspose(
      b, loc, reshape(b, loc, x, {0, 0, heads, -1}, splitType(type, heads)),
      {0, 2, 1, 3});
}

/// [B, H, S, D] -> [B, S, H * D].
Value mergeHeads(OpBuilder &b, Location loc, Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  return reshape(b, loc, buildTranspose(b, loc, x, {0, 2, 1, 3}), {0, 0, -1},
                 mergedType(type));
}

/// onnx.Concat of `x` and `y` along `axis`.
Value concat(OpBuilder &b, Location loc, Value x, Value y, int64_t axis) {
  return onnxir::ConcatOp::create(
      b, loc,
      concatType(cast<RankedTensorType>(x.getType()),
                 cast<RankedTensorType>(y.getType()), axis),
      ValueRange{x, y}, b.getI64IntegerAttr(axis));
}

/// Whether a value of `type` can replace `result` (absent or unused: any).
LogicalResult checkReplaceable(Value result, Type type) {
  if (isNone(result) || result.use_empty())
    return success();
  return success(castsTo(type, result.getType()));
}

/// `mask` with its last (key) dimension padded to `keys` when it is
/// shorter (as Attention-24 allows: the keys it does not cover are masked
/// out): false for a bool mask, -inf for a float one. Itself otherwise.
Value padMaskKeys(OpBuilder &b, Location loc, Value mask, int64_t keys) {
  auto type = dyn_cast<RankedTensorType>(mask.getType());
  if (!type || type.getRank() == 0 || ShapedType::isDynamic(keys))
    return mask;
  int64_t rank = type.getRank(), covered = type.getDimSize(rank - 1);
  if (ShapedType::isDynamic(covered) || covered == 1 || covered >= keys)
    return mask;
  Type elt = type.getElementType();
  auto one = RankedTensorType::get({1}, elt);
  Attribute fill = elt.isInteger(1)
                       ? Attribute(b.getBoolAttr(false))
                       : Attribute(b.getFloatAttr(
                             elt, -std::numeric_limits<double>::infinity()));
  SmallVector<int64_t> padShape(type.getShape());
  padShape.back() = keys - covered;
  auto padType = RankedTensorType::get(padShape, elt);
  Value pad;
  if (type.hasStaticShape()) {
    pad = onnxir::ConstantOp::create(b, loc, padType,
                                     DenseElementsAttr::get(padType, fill));
  } else {
    // The mask's other dimensions read from its shape.
    auto i64 = [&](int64_t n) {
      return RankedTensorType::get({n}, b.getI64Type());
    };
    Value lead = onnxir::ShapeOp::create(b, loc, i64(rank - 1), mask,
                                         b.getI64IntegerAttr(0),
                                         b.getI64IntegerAttr(rank - 1));
    Value shape = onnxir::ConcatOp::create(
        b, loc, i64(rank),
        ValueRange{lead, i64Constant(b, loc, {keys - covered})},
        b.getI64IntegerAttr(0));
    pad = onnxir::ConstantOfShapeOp::create(b, loc, padType, shape,
                                            DenseElementsAttr::get(one, fill));
  }
  padShape.back() = keys;
  return onnxir::ConcatOp::create(b, loc, RankedTensorType::get(padShape, elt),
                                  ValueRange{mask, pad},
                                  b.getI64IntegerAttr(rank - 1));
}

/// An i64 scalar onnx.Constant.
Value i64Scalar(OpBuilder &b, Location loc, int64_t v) {
  auto type = RankedTensorType::get({}, b.getI64Type());
  return onnxir::ConstantOp::create(
      b, loc, type, DenseElementsAttr::get(type, b.getI64IntegerAttr(v)));
}

/// ONNX Attention's qk_matmul_output for `query` [B, Hq, Sq, D] and `key`
/// [B, Hkv, Skv, D] (repeated for grouped-query heads), of `type`: the
/// scaled products (mode 0), then capped by `softcap` (1), then with the
/// mask added or applied and the keys `visible` does not show at -inf (2),
/// then their softmax (3).
Value qkMatmulOutput(OpBuilder &b, Location loc, Value query, Value key,
                     Value mask, Value visible, double scale,
                     std::optional<double> softcap, int64_t mode,
                     RankedTensorType type) {
  auto q = cast<RankedTensorType>(query.getType());
  auto k = cast<RankedTensorType>(key.getType());
  Type elt = type.getElementType();
  int64_t hq = q.getDimSize(1), hkv = k.getDimSize(1), d = q.getDimSize(3);
  if (hq != hkv) {
    // [B, Hkv, Skv, D] -> [B, Hkv, g, Skv, D] -> [B, Hq, Skv, D].
    int64_t g = hq / hkv;
    SmallVector<int64_t> five = {k.getDimSize(0), hkv, 1, k.getDimSize(2), d};
    Value k5 =
        onnxir::UnsqueezeOp::create(b, loc, RankedTensorType::get(five, elt),
                                    key, i64Constant(b, loc, {2}));
    five[2] = g;
    k5 = onnxir::ExpandOp::create(b, loc, RankedTensorType::get(five, elt), k5,
                                  i64Constant(b, loc, {1, 1, g, 1, 1}));
    key = reshape(
        b, loc, k5, {0, hq, -1, d},
        RankedTensorType::get({k.getDimSize(0), hq, k.getDimSize(2), d}, elt));
  }
  auto scalar = [&](double v) -> Value {
    auto t = RankedTensorType::get({}, elt);
    return onnxir::ConstantOp::create(
        b, loc, t, DenseElementsAttr::get(t, b.getFloatAttr(elt, v)));
  };
  Value kt = buildTranspose(b, loc, key, {0, 1, 3, 2});
  Value s = onnxir::MatMulOp::create(b, loc, type, query, kt);
  s = onnxir::MulOp::create(b, loc, type, s, scalar(scale));
  if (mode >= 1 && softcap) {
    Value capped = onnxir::TanhOp::create(
        b, loc, type, onnxir::DivOp::create(b, loc, type, s, scalar(*softcap)));
    s = onnxir::MulOp::create(b, loc, type, capped, scalar(*softcap));
  }
  if (mode >= 2) {
    Value lowest = scalar(-std::numeric_limits<double>::infinity());
    if (mask &&
        cast<RankedTensorType>(mask.getType()).getElementType().isInteger(1))
      s = onnxir::WhereOp::create(b, loc, type, mask, s, lowest);
    else if (mask)
      s = onnxir::AddOp::create(b, loc, type, s, mask);
    if (visible)
      s = onnxir::WhereOp::create(b, loc, type, visible, s, lowest);
  }
  if (mode == 3)
    s = onnxir::SoftmaxOp::create(b, loc, type, s, b.getI64IntegerAttr(-1));
  return s;
}

struct RaiseAttentionNode final : OpRewritePattern<onnxir::AttentionOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(onnxir::AttentionOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType q = rankedFloat(op.getQ()), k = rankedFloat(op.getK()),
                     v = rankedFloat(op.getV());
    if (!q || !k || !v || q.getRank() != k.getRank() ||
        q.getRank() != v.getRank() || (q.getRank() != 3 && q.getRank() != 4))
      return nearMiss(rewriter, op,
                      "Q, K, V are not ranked float "
                      "3-D or 4-D tensors");
    bool packed = q.getRank() == 3;
    if (packed && (!op.getQNumHeads() || !op.getKvNumHeads()))
      return nearMiss(rewriter, op, "3-D inputs without head counts");
    if (!isNone(op.getNonpadKvSeqlen()) && !isNone(op.getPastKey()))
      return nearMiss(rewriter, op,
                      "nonpad_kv_seqlen with a past "
                      "key cache");

    if (!isNone(op.getPastKey()) != !isNone(op.getPastValue()))
      return nearMiss(rewriter, op, "past_key without past_value");
    bool hasPast = !isNone(op.getPastKey());
    RankedTensorType pastKey, pastValue;
    if (hasPast) {
      pastKey = rankedFloat(op.getPastKey());
      pastValue = rankedFloat(op.getPastValue());
      if (!pastKey || !pastValue || pastKey.getRank() != 4 ||
          pastValue.getRank() != 4)
        return nearMiss(rewriter, op, "past key or value not 4-D");
    }

    // The types of everything built, checked before anything is.
    RankedTensorType qt = q, kt = k, vt = v;
    if (packed) {
      qt = headsType(q, *op.getQNumHeads());
      kt = headsType(k, *op.getKvNumHeads());
      vt = headsType(v, *op.getKvNumHeads());
    }
    if (hasPast) {
      kt = concatType(pastKey, kt, 2);
      vt = concatType(pastValue, vt, 2);
    }
    SmallVector<int64_t> scores = {qt.getDimSize(0), qt.getDimSize(1),
                                   qt.getDimSize(2), kt.getDimSize(2)};
    Value mask = isNone(op.getAttnMask()) ? Value() : op.getAttnMask();
    if (mask)
      mask = padMaskKeys(rewriter, loc, mask, scores[3]);
    if (mask) {
      auto maskType = dyn_cast<RankedTensorType>(mask.getType());
      if (!maskType || !broadcastsTo(maskType, scores) ||
          !(maskType.getElementType().isInteger(1) ||
            maskType.getElementType() == qt.getElementType()))
        return nearMiss(
            rewriter, op,
            "the mask does not broadcast to the scores [B, Hq, Sq, Skv] "
            "or has another element type");
    }
    Value lengths =
        isNone(op.getNonpadKvSeqlen()) ? Value() : op.getNonpadKvSeqlen();
    if (lengths && !isa<RankedTensorType>(lengths.getType()))
      return nearMiss(rewriter, op, "nonpad_kv_seqlen is unranked");
    // ONNX puts the causal diagonal (and the windows around it) past the
    // cached keys, j <= i + P, or without a cache at each batch row's key
    // count, j <= i + nonpad_kv_seqlen[b] - Sq; attic at the end of the
    // keys, j <= i + L - Sq (L the key lengths, or Skv): the same without a
    // cache, and with one when the new keys are as many as the queries.
    // Otherwise the diagonal becomes part of the mask, a constant.
    bool diagonal = op.getIsCausal() != 0 || op.getLeftWindowSize() >= 0 ||
                    op.getRightWindowSize() >= 0;
    int64_t sq = qt.getDimSize(2), skv = kt.getDimSize(2);
    int64_t skvNew = (packed ? k.getDimSize(1) : k.getDimSize(2));
    bool aligned =
        lengths ? !hasPast : !ShapedType::isDynamic(sq) && sq == skvNew;
    bool diagonalMask = diagonal && !aligned;
    if (diagonalMask &&
        (ShapedType::isDynamic(sq) || ShapedType::isDynamic(skv)))
      return nearMiss(
          rewriter, op,
          "causal or windowed with dynamic sequence lengths that may "
          "differ: ONNX aligns the diagonal after the past keys, "
          "attic.attention at the end of the keys");
    auto resultType =
        RankedTensorType::get({qt.getDimSize(0), qt.getDimSize(1),
                               qt.getDimSize(2), vt.getDimSize(3)},
                              qt.getElementType());
    if (!castsTo(packed ? mergedType(resultType) : resultType,
                 op.getY().getType()) ||
        failed(checkReplaceable(op.getPresentKey(), kt)) ||
        failed(checkReplaceable(op.getPresentValue(), vt)))
      return nearMiss(rewriter, op, "result types do not fit");

    // The scores as an output of their own (qk_matmul_output): computed
    // beside the attention, which never exposes them.
    bool qkUsed =
        !isNone(op.getQkMatmulOutput()) && !op.getQkMatmulOutput().use_empty();
    int64_t hq = qt.getDimSize(1), hkv = kt.getDimSize(1),
            headSize = qt.getDimSize(3);
    if (qkUsed &&
        (ShapedType::isDynamic(hq) || ShapedType::isDynamic(hkv) ||
         ShapedType::isDynamic(headSize) || hkv == 0 || hq % hkv != 0 ||
         op.getQkMatmulOutputMode() < 0 || op.getQkMatmulOutputMode() > 3 ||
         !castsTo(RankedTensorType::get(scores, qt.getElementType()),
                  op.getQkMatmulOutput().getType())))
      return nearMiss(rewriter, op,
                      "its qk_matmul_output needs static head counts and "
                      "size, a mode from 0 to 3 and the type [B, Hq, Sq, "
                      "Skv]");

    MLIRContext *ctx = getContext();
    auto optionalF64 = [&](std::optional<double> v) {
      return v ? rewriter.getF64FloatAttr(*v) : FloatAttr();
    };
    auto window = [&](int64_t size) {
      return size >= 0 ? rewriter.getI64IntegerAttr(size) : IntegerAttr();
    };
    std::optional<double> scale, softcap;
    if (auto given = op.getScale())
      scale = given->convertToDouble();
    if (double cap = op.getSoftcap().convertToDouble(); cap != 0.0)
      softcap = cap;

    Value query = op.getQ(), key = op.getK(), value = op.getV();
    if (packed) {
      query = splitHeads(rewriter, loc, query, *op.getQNumHeads());
      key = splitHeads(rewriter, loc, key, *op.getKvNumHeads());
      value = splitHeads(rewriter, loc, value, *op.getKvNumHeads());
    }
    if (hasPast) {
      key = concat(rewriter, loc, op.getPastKey(), key, 2);
      value = concat(rewriter, loc, op.getPastValue(), value, 2);
    }
    bool causal = op.getIsCausal() != 0;
    int64_t left = op.getLeftWindowSize(), right = op.getRightWindowSize();
    Value qk;
    if (qkUsed) {
      // ONNX's diagonal: past the cached keys, or at each row's key count.
      Value offset;
      if (hasPast)
        offset = dimOf(rewriter, loc, op.getPastKey(), 2);
      else if (lengths)
        offset = onnxir::SubOp::create(rewriter, loc, lengths.getType(),
                                       lengths, dimOf(rewriter, loc, query, 2));
      else
        offset = i64Scalar(rewriter, loc, 0);
      Value visible;
      if (diagonal || lengths)
        visible = visibilityMask(
            rewriter, loc, query, key, offset, lengths, causal,
            left >= 0 ? std::optional<int64_t>(left) : std::nullopt,
            right >= 0 ? std::optional<int64_t>(right) : std::nullopt);
      qk = qkMatmulOutput(
          rewriter, loc, query, key, mask, visible,
          scale.value_or(1.0 / std::sqrt(static_cast<double>(headSize))),
          softcap, op.getQkMatmulOutputMode(),
          RankedTensorType::get(scores, qt.getElementType()));
    }
    if (diagonalMask) {
      int64_t past = skv - skvNew;
      mask = combineMasks(
          rewriter, loc, mask,
          diagonalMaskOf(rewriter, loc, sq, skv, past, causal, left, right),
          qt.getElementType());
      causal = false;
      left = right = -1;
    }
    Value y = AttentionOp::create(
        rewriter, loc, resultType, query, key, value, mask, lengths,
        optionalF64(scale), causal ? rewriter.getUnitAttr() : UnitAttr(),
        window(left), window(right), optionalF64(softcap),
        AttentionKernelAttr::get(ctx, AttentionKernel::softmax),
        /*train_length=*/IntegerAttr(), /*reweight_power=*/FloatAttr());
    if (packed)
      y = mergeHeads(rewriter, loc, y);
    auto replacement = [&](Value result, Value with) -> Value {
      if (isNone(result) || result.use_empty())
        return Value();
      return castTo(rewriter, loc, with, result.getType());
    };
    rewriter.replaceOp(op, {castTo(rewriter, loc, y, op.getY().getType()),
                            replacement(op.getPresentKey(), key),
                            replacement(op.getPresentValue(), value),
                            replacement(op.getQkMatmulOutput(), qk)});
    return success();
  }
};

struct RaiseLinearAttentionNode final
    : OpRewritePattern<onnxir::LinearAttentionOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(onnxir::LinearAttentionOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType q = rankedFloat(op.getQuery()),
                     k = rankedFloat(op.getKey()),
                     v = rankedFloat(op.getValue());
    if (!q || !k || !v || q.getRank() != 3 || k.getRank() != 3 ||
        v.getRank() != 3)
      return nearMiss(rewriter, op,
                      "query, key, value are not "
                      "ranked float 3-D tensors");
    std::optional<UpdateRule> rule = symbolizeUpdateRule(op.getUpdateRule());
    if (!rule)
      return nearMiss(rewriter, op, "unknown update rule");
    int64_t hq = op.getQNumHeads(), hkv = op.getKvNumHeads();
    RankedTensorType decayType, betaType;
    if (!isNone(op.getDecay())) {
      decayType = rankedFloat(op.getDecay());
      if (!decayType || decayType.getRank() != 3)
        return nearMiss(rewriter, op, "decay is not 3-D");
    }
    if (!isNone(op.getBeta())) {
      betaType = rankedFloat(op.getBeta());
      if (!betaType || betaType.getRank() != 3)
        return nearMiss(rewriter, op, "beta is not 3-D");
    }
    RankedTensorType qt = headsType(q, hq), kt = headsType(k, hkv),
                     vt = headsType(v, hkv);
    auto outType = RankedTensorType::get({qt.getDimSize(0), qt.getDimSize(1),
                                          qt.getDimSize(2), vt.getDimSize(3)},
                                         qt.getElementType());
    auto stateType = RankedTensorType::get({kt.getDimSize(0), kt.getDimSize(1),
                                            kt.getDimSize(3), vt.getDimSize(3)},
                                           qt.getElementType());
    if (!castsTo(mergedType(outType), op.getOutput().getType()) ||
        failed(checkReplaceable(op.getPresentState(), stateType)))
      return nearMiss(rewriter, op, "result types do not fit");

    Value query = splitHeads(rewriter, loc, op.getQuery(), hq);
    Value key = splitHeads(rewriter, loc, op.getKey(), hkv);
    Value value = splitHeads(rewriter, loc, op.getValue(), hkv);
    // decay [B, T, Hkv] -> [B, Hkv, T]; [B, T, Hkv * Dk] -> [B, Hkv, T, Dk];
    // beta [B, T, Hkv or 1] -> [B, Hkv or 1, T].
    Value decay, beta;
    if (decayType)
      decay = decayType.getDimSize(2) == hkv
                  ? buildTranspose(rewriter, loc, op.getDecay(), {0, 2, 1})
                  : splitHeads(rewriter, loc, op.getDecay(), hkv);
    if (betaType)
      beta = buildTranspose(rewriter, loc, op.getBeta(), {0, 2, 1});
    Value past = isNone(op.getPastState()) ? Value() : op.getPastState();
    FloatAttr scale;
    if (auto given = op.getScale())
      scale = rewriter.getF64FloatAttr(given->convertToDouble());
    auto raised = LinearAttentionOp::create(
        rewriter, loc, outType, stateType, query, key, value, past, decay, beta,
        UpdateRuleAttr::get(getContext(), *rule), scale);
    Value out = mergeHeads(rewriter, loc, raised.getOutput());
    Value state;
    if (!isNone(op.getPresentState()) && !op.getPresentState().use_empty())
      state = castTo(rewriter, loc, raised.getPresentState(),
                     op.getPresentState().getType());
    rewriter.replaceOp(
        op, {castTo(rewriter, loc, out, op.getOutput().getType()), state});
    return success();
  }
};

} // namespace

void mlir::attic::populateRaiseAttentionPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseAttentionNode, RaiseLinearAttentionNode>(
      patterns.getContext());
  raise::populateAttentionChainPatterns(patterns);
}
