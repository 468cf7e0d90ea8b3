//===- RaiseAttention.cpp - ONNX Attention and LinearAttention nodes ------===//
//
//   onnx.Attention (opsets 23-25)  -> attic.attention
//   onnx.LinearAttention (27)      -> attic.linear_attention
//
// The attributes map one to one (is_causal -> causal, nonpad_kv_seqlen ->
// kv_lengths, window sizes -> windows, softcap, scale) where they mean the
// same: the causal diagonal needs as many new keys as queries, else it
// becomes a constant mask (And with a boolean one, -inf where a float one
// is). 3-D inputs
// [B, S, H * D] are split into heads by onnx.Reshape and onnx.Transpose
// (and the result merged back), so the raised graph is ONNX again around
// the attic op; past key and value are concatenated in front of K and V,
// which is also what present_key and present_value are. A node whose
// qk_matmul_output is used, or whose mask does not broadcast to the
// scores, is left alone.
//
//===----------------------------------------------------------------------===//

#include "passes/raise/Match.h"
#include "passes/raise/Transforms.h"

#include "dialects/attic/AtticOps.h"
#include "dialects/onnx/ONNXOps.h"

#include "mlir/IR/PatternMatch.h"

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
    if (!isNone(op.getQkMatmulOutput()) && !op.getQkMatmulOutput().use_empty())
      return nearMiss(rewriter, op,
                      "its qk_matmul_output is used; attic.attention does not "
                      "expose the scores");
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
    // cached keys, j <= i + P; attic at the end of the keys, j <= i + Skv -
    // Sq: the same when the new keys are as many as the queries.
    // Otherwise the diagonal becomes part of the mask, a constant.
    bool diagonal = op.getIsCausal() != 0 || op.getLeftWindowSize() >= 0 ||
                    op.getRightWindowSize() >= 0;
    int64_t sq = qt.getDimSize(2), skv = kt.getDimSize(2);
    int64_t skvNew = (packed ? k.getDimSize(1) : k.getDimSize(2));
    bool aligned = !lengths && !ShapedType::isDynamic(sq) && sq == skvNew;
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
                            replacement(op.getPresentValue(), value), Value()});
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
