//===- RaiseAttentionChain.cpp - Attention written out in ONNX ------------===//
//
// Attention as exporters write it, from the last MatMul back:
//
//   MatMul(Softmax(masked, -1), V)
//   masked = scores, or scores with masks applied in any order and number:
//            Add(s, float mask)                  (either operand order)
//            Where(bool mask, s, fill)           (true attends)
//            Where(bool mask, fill, s)           (true masks: Not(mask))
//            with fill -inf, the dtype's lowest value or <= -1e4;
//            a constant or Trilu-built lower triangle (bool, or 0 / fill
//            floats) of the square scores is `causal` instead
//   capped = Mul(Tanh(Div(s, c)), c)             (softcap c), or s
//   scores = Div(T, c) | Mul(T, c) | T           (scale 1/c, c, or 1)
//   T      = MatMul(Q (* a), Kt (* b))           (scale a b: sqrt(scale)
//                                                 on each side)
//   Kt     = Transpose(K) swapping the last two dimensions, or any [.., D,
//            Skv] tensor (then K is its transpose)
//
// Q, K, V of rank 4 ([B, H, S, D]) are the attic op's operands; rank 3
// ([B * H, S, D], as PyTorch's nn.MultiheadAttention computes) and 2 get
// unit dimensions in front. K and V repeated for grouped-query heads,
// Reshape(Expand(Unsqueeze(K0, [2]), [B, Hkv, g, S, D]), [B, Hkv g, S, D]),
// are read as K0 and V0. A chain that does not fit (a mask that does not
// broadcast to the scores, a softmax along another axis, mismatched head
// counts) is left alone.
//
//===----------------------------------------------------------------------===//

#include "passes/raise/Match.h"

#include "dialects/attic/AtticOps.h"
#include "dialects/onnx/ONNXOps.h"

#include "mlir/IR/PatternMatch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::raise;

namespace {

/// Whether `v` is a constant fill that masks a score out: -inf, the
/// lowest finite value of its type, or at most -1e4.
bool isMaskFill(Value v) {
  std::optional<double> f = constantFloat(stripCasts(v));
  return f && isMaskingFill(*f);
}

/// One mask of the chain.
struct Mask {
  Value value;
  /// An i1 mask that is true where a score is masked out (Where with the
  /// fill in its true branch).
  bool negated = false;
};

/// The pieces of an attention chain.
struct Chain {
  Value q, k, v;
  /// Whether K still needs transposing: the chain had Kt only.
  bool transposeK = false;
  double scale = 1.0;
  std::optional<double> softcap;
  bool causal = false;
  SmallVector<Mask> boolMasks, floatMasks;
};

/// Whether `value`, [.., Sq, Skv], is a lower triangle of a square score
/// matrix: a constant (i1: true on and below the diagonal; float: 0 there
/// and a fill above), or Trilu(constant ones, lower).
bool isLowerTriangle(Value value) {
  value = stripCasts(value);
  if (auto trilu = value.getDefiningOp<onnxir::TriluOp>()) {
    auto k = trilu.getK();
    if (trilu.getUpper() != 0 || !(isa<NoneType>(k.getType()) ||
                                   constantInts(k) == SmallVector<int64_t>{0}))
      return false;
    auto ones = trilu.getInput().getDefiningOp<onnxir::ConstantOp>();
    auto dense = ones ? dyn_cast<DenseElementsAttr>(ones.getValue())
                      : DenseElementsAttr();
    if (!dense || !dense.isSplat())
      return false;
    return dense.getElementType().isInteger(1)
               ? dense.getSplatValue<bool>()
               : dense.getSplatValue<APFloat>().convertToDouble() == 1.0;
  }
  auto constant = value.getDefiningOp<onnxir::ConstantOp>();
  auto dense = constant ? dyn_cast<DenseElementsAttr>(constant.getValue())
                        : DenseElementsAttr();
  auto type =
      dense ? dyn_cast<RankedTensorType>(dense.getType()) : RankedTensorType();
  if (!type || type.getRank() < 2 || !type.hasStaticShape())
    return false;
  int64_t rows = type.getDimSize(type.getRank() - 2);
  int64_t cols = type.getDimSize(type.getRank() - 1);
  if (rows != cols)
    return false;
  bool isBool = type.getElementType().isInteger(1);
  if (!isBool && !isa<FloatType>(type.getElementType()))
    return false;
  auto bools =
      isBool ? llvm::to_vector(dense.getValues<bool>()) : SmallVector<bool>();
  auto floats = isBool ? SmallVector<APFloat>()
                       : llvm::to_vector(dense.getValues<APFloat>());
  for (int64_t n = 0, e = type.getNumElements(); n < e; ++n) {
    int64_t i = (n / cols) % rows, j = n % cols;
    bool visible = j <= i;
    if (isBool) {
      if (bools[n] != visible)
        return false;
      continue;
    }
    double f = floats[n].convertToDouble();
    if (visible ? f != 0.0 : !isMaskingFill(f))
      return false;
  }
  return true;
}

/// Peels scale factors a in Mul(x, a) / Mul(a, x) off `value`.
Value peelMul(Value value, double &scale) {
  value = stripCasts(value);
  if (auto mul = value.getDefiningOp<onnxir::MulOp>()) {
    if (std::optional<double> a = constantFloat(mul.getB())) {
      scale *= *a;
      return mul.getA();
    }
    if (std::optional<double> a = constantFloat(mul.getA())) {
      scale *= *a;
      return mul.getB();
    }
  }
  return value;
}

/// A divisor: a constant, or Sqrt of one.
std::optional<double> constantDivisor(Value v) {
  v = stripCasts(v);
  if (auto sqrt = v.getDefiningOp<onnxir::SqrtOp>()) {
    std::optional<double> d = constantFloat(sqrt.getX());
    if (d && *d > 0)
      return std::sqrt(*d);
    return std::nullopt;
  }
  std::optional<double> d = constantFloat(v);
  if (d && *d != 0)
    return d;
  return std::nullopt;
}

/// Matches the scale, optional softcap and Q.Kt product of `scores`.
bool matchScores(Value scores, Chain &chain) {
  scores = stripCasts(scores);
  // Softcap: Mul(Tanh(Div(s, c)), c).
  if (auto mul = scores.getDefiningOp<onnxir::MulOp>()) {
    for (auto [t, c] : {std::pair(mul.getA(), mul.getB()),
                        std::pair(mul.getB(), mul.getA())}) {
      auto tanh = stripCasts(t).getDefiningOp<onnxir::TanhOp>();
      std::optional<double> cap = constantFloat(c);
      if (!tanh || !cap || *cap <= 0)
        continue;
      auto div = stripCasts(tanh.getX()).getDefiningOp<onnxir::DivOp>();
      if (!div || constantFloat(div.getB()) != cap)
        continue;
      chain.softcap = *cap;
      scores = stripCasts(div.getA());
      break;
    }
  }
  // The scale.
  if (auto div = scores.getDefiningOp<onnxir::DivOp>()) {
    if (std::optional<double> d = constantDivisor(div.getB())) {
      chain.scale /= *d;
      scores = stripCasts(div.getA());
    }
  } else {
    scores = peelMul(scores, chain.scale);
  }
  auto product = scores.getDefiningOp<onnxir::MatMulOp>();
  if (!product)
    return false;
  chain.q = peelMul(product.getA(), chain.scale);
  Value kt = peelMul(product.getB(), chain.scale);
  auto transpose = kt.getDefiningOp<onnxir::TransposeOp>();
  RankedTensorType ktType = rankedFloat(kt);
  if (!ktType || ktType.getRank() < 2)
    return false;
  int64_t rank = ktType.getRank();
  if (transpose && transpose.getPerm()) {
    SmallVector<int64_t> perm =
        llvm::map_to_vector(transpose.getPerm()->getAsValueRange<IntegerAttr>(),
                            [](const APInt &i) { return i.getSExtValue(); });
    SmallVector<int64_t> swap = llvm::to_vector(llvm::seq<int64_t>(0, rank));
    std::swap(swap[rank - 2], swap[rank - 1]);
    if (perm == swap) {
      chain.k = transpose.getData();
      return true;
    }
  }
  chain.k = kt;
  chain.transposeK = true;
  return true;
}

/// Peels the masks off `value` down to the scores.
bool matchMaskedScores(Value value, Chain &chain) {
  for (int depth = 0; depth < 8; ++depth) {
    value = stripCasts(value);
    if (auto add = value.getDefiningOp<onnxir::AddOp>()) {
      // The scores side is the one that goes on to a MatMul; try both.
      Chain trial = chain;
      if (matchMaskedScores(add.getA(), trial)) {
        chain = trial;
        chain.floatMasks.push_back({add.getB()});
        return true;
      }
      trial = chain;
      if (matchMaskedScores(add.getB(), trial)) {
        chain = trial;
        chain.floatMasks.push_back({add.getA()});
        return true;
      }
      return false;
    }
    if (auto where = value.getDefiningOp<onnxir::WhereOp>()) {
      if (isMaskFill(where.getY())) {
        chain.boolMasks.push_back({where.getCondition(), false});
        value = where.getX();
        continue;
      }
      if (isMaskFill(where.getX())) {
        chain.boolMasks.push_back({where.getCondition(), true});
        value = where.getY();
        continue;
      }
      return false;
    }
    return matchScores(value, chain);
  }
  return false;
}

/// Reads through the repetition of K or V for grouped-query heads:
/// Reshape(Expand(Unsqueeze(x, [2]), [B, Hkv, g, S, D]), [B, Hkv g, S, D])
/// -> x.
Value unrepeatHeads(Value value) {
  auto reshape = stripCasts(value).getDefiningOp<onnxir::ReshapeOp>();
  if (!reshape)
    return Value();
  auto expand = stripCasts(reshape.getData()).getDefiningOp<onnxir::ExpandOp>();
  if (!expand)
    return Value();
  auto unsqueeze =
      stripCasts(expand.getInput()).getDefiningOp<onnxir::UnsqueezeOp>();
  if (!unsqueeze ||
      constantInts(unsqueeze.getAxes()) != SmallVector<int64_t>{2})
    return Value();
  RankedTensorType x = rankedFloat(unsqueeze.getData());
  RankedTensorType expanded = rankedFloat(expand.getOutput());
  RankedTensorType merged = rankedFloat(reshape.getReshaped());
  if (!x || !expanded || !merged || x.getRank() != 4 ||
      expanded.getRank() != 5 || merged.getRank() != 4)
    return Value();
  // The repeated tensor merges the group into the heads, the rest kept.
  auto same = [](int64_t a, int64_t b) {
    return a == b || ShapedType::isDynamic(a) || ShapedType::isDynamic(b);
  };
  int64_t heads = x.getDimSize(1), group = expanded.getDimSize(2);
  if (!same(expanded.getDimSize(1), heads) || ShapedType::isDynamic(group) ||
      ShapedType::isDynamic(heads) || merged.getDimSize(1) != heads * group ||
      !same(merged.getDimSize(0), x.getDimSize(0)) ||
      !same(merged.getDimSize(2), x.getDimSize(2)) ||
      !same(merged.getDimSize(3), x.getDimSize(3)))
    return Value();
  return unsqueeze.getData();
}

/// `x` with `n` unit dimensions in front (onnx.Unsqueeze), or itself.
Value addLeadingDims(OpBuilder &b, Location loc, Value x, int64_t n) {
  if (n == 0)
    return x;
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape(n, 1);
  llvm::append_range(shape, type.getShape());
  return onnxir::UnsqueezeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), x,
      i64Constant(b, loc, llvm::to_vector(llvm::seq<int64_t>(0, n))));
}

struct RaiseAttentionChain final : OpRewritePattern<onnxir::MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(onnxir::MatMulOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    // The softmax over the last axis, as the attic op or the node.
    Value probs = stripCasts(op.getA());
    Value masked;
    RankedTensorType probsType = rankedFloat(probs);
    if (!probsType || probsType.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "no ranked float probabilities");
    int64_t last = probsType.getRank() - 1;
    if (auto sm = probs.getDefiningOp<SoftmaxOp>()) {
      if (sm.getAxisIndex() == last)
        masked = sm.getInput();
    } else if (auto sm = probs.getDefiningOp<onnxir::SoftmaxOp>()) {
      if (normalizeAxis(sm.getAxis(), probsType.getRank()) == last)
        masked = sm.getInput();
    }
    if (!masked)
      return rewriter.notifyMatchFailure(op, "not a softmax along the keys");
    Chain chain;
    if (!matchMaskedScores(masked, chain))
      return rewriter.notifyMatchFailure(op, "no scaled Q.Kt under it");
    chain.v = op.getB();

    RankedTensorType qType = rankedFloat(chain.q), kType = rankedFloat(chain.k),
                     vType = rankedFloat(chain.v);
    int64_t rank = probsType.getRank();
    if (!qType || !kType || !vType || qType.getRank() != rank ||
        kType.getRank() != rank || vType.getRank() != rank || rank > 4)
      return nearMiss(rewriter, op, "Q, K, V of different ranks");
    if (qType.getElementType() != kType.getElementType() ||
        qType.getElementType() != vType.getElementType())
      return nearMiss(rewriter, op, "mixed element types");
    // Grouped-query repetition of K and V, both or neither.
    if (rank == 4 && !chain.transposeK) {
      Value k0 = unrepeatHeads(chain.k), v0 = unrepeatHeads(chain.v);
      if (k0 && v0 &&
          cast<RankedTensorType>(k0.getType()).getDimSize(1) ==
              cast<RankedTensorType>(v0.getType()).getDimSize(1)) {
        chain.k = k0;
        chain.v = v0;
        kType = rankedFloat(k0);
        vType = rankedFloat(v0);
      }
    }
    // Shapes as attic.attention takes them.
    int64_t front = 4 - rank;
    auto dims = [&](RankedTensorType t) {
      SmallVector<int64_t> d(front, 1);
      llvm::append_range(d, t.getShape());
      return d;
    };
    SmallVector<int64_t> q4 = dims(qType), k4 = dims(kType), v4 = dims(vType);
    if (chain.transposeK)
      std::swap(k4[2], k4[3]);
    auto known = [](int64_t a, int64_t b) {
      return a == b || ShapedType::isDynamic(a) || ShapedType::isDynamic(b);
    };
    if (!known(q4[0], k4[0]) || !known(k4[0], v4[0]) || !known(k4[1], v4[1]) ||
        !known(k4[2], v4[2]) || !known(q4[3], k4[3]) ||
        ShapedType::isDynamic(q4[1]) || ShapedType::isDynamic(k4[1]) ||
        k4[1] == 0 || q4[1] % k4[1] != 0)
      return nearMiss(rewriter, op,
                      "Q, K, V shapes do not fit "
                      "attention");
    SmallVector<int64_t> scores = {q4[0], q4[1], q4[2], k4[2]};
    // Masks: those that broadcast to the scores; a lower triangle of
    // square scores is `causal`.
    SmallVector<Mask> boolMasks, floatMasks;
    for (auto [list, out] : {std::pair(&chain.boolMasks, &boolMasks),
                             std::pair(&chain.floatMasks, &floatMasks)})
      for (const Mask &m : *list) {
        auto type = dyn_cast<RankedTensorType>(m.value.getType());
        if (!type || type.getRank() > 4)
          return nearMiss(rewriter, op, "a mask is not ranked");
        if (!broadcastsTo(type, scores))
          return nearMiss(rewriter, op,
                          "a mask does not broadcast to the scores");
        if (list == &chain.boolMasks && !type.getElementType().isInteger(1))
          return nearMiss(rewriter, op, "a Where mask is not bool");
        if (list == &chain.floatMasks &&
            type.getElementType() != qType.getElementType())
          return nearMiss(rewriter, op,
                          "a float mask of another "
                          "element type");
        bool square =
            !ShapedType::isDynamic(scores[2]) && scores[2] == scores[3];
        if (!m.negated && square && !chain.causal && isLowerTriangle(m.value)) {
          chain.causal = true;
          continue;
        }
        out->push_back(m);
      }
    Type elt = qType.getElementType();
    auto resultType = RankedTensorType::get({q4[0], q4[1], q4[2], v4[3]}, elt);
    SmallVector<int64_t> outShape(resultType.getShape().drop_front(front));
    if (!castsTo(RankedTensorType::get(outShape, qType.getElementType()),
                 op.getType()))
      return nearMiss(rewriter, op, "result type does not fit");

    // Build: unit dimensions in front, K transposed, the masks combined.
    Value q = addLeadingDims(rewriter, loc, chain.q, front);
    Value k = chain.k;
    if (chain.transposeK) {
      SmallVector<int64_t> perm = llvm::to_vector(llvm::seq<int64_t>(0, rank));
      std::swap(perm[rank - 2], perm[rank - 1]);
      SmallVector<int64_t> shape(kType.getShape());
      std::swap(shape[rank - 2], shape[rank - 1]);
      k = onnxir::TransposeOp::create(
          rewriter, loc, RankedTensorType::get(shape, kType.getElementType()),
          k, rewriter.getI64ArrayAttr(perm));
    }
    k = addLeadingDims(rewriter, loc, k, front);
    Value v = addLeadingDims(rewriter, loc, chain.v, front);
    // The bool masks And-ed, the float ones added, then the float mask
    // kept where the bool one attends (-inf elsewhere).
    auto shapeOf = [](Value x) {
      return cast<RankedTensorType>(x.getType()).getShape();
    };
    Value boolMask, floatMask;
    for (const Mask &m : boolMasks) {
      Value term = m.value;
      if (m.negated)
        term = onnxir::NotOp::create(rewriter, loc, term.getType(), term);
      boolMask = combineMasks(rewriter, loc, boolMask, term, elt);
    }
    for (const Mask &m : floatMasks)
      floatMask =
          !floatMask
              ? m.value
              : onnxir::AddOp::create(
                    rewriter, loc,
                    RankedTensorType::get(
                        broadcastShape(shapeOf(floatMask), shapeOf(m.value)),
                        elt),
                    floatMask, m.value);
    Value mask = floatMask;
    if (boolMask)
      mask = combineMasks(rewriter, loc, floatMask, boolMask, elt);

    Value y = AttentionOp::create(
        rewriter, loc, resultType, q, k, v, mask, /*kv_lengths=*/Value(),
        rewriter.getF64FloatAttr(chain.scale),
        chain.causal ? rewriter.getUnitAttr() : UnitAttr(),
        /*left_window=*/IntegerAttr(), /*right_window=*/IntegerAttr(),
        chain.softcap ? rewriter.getF64FloatAttr(*chain.softcap) : FloatAttr(),
        AttentionKernelAttr::get(getContext(), AttentionKernel::softmax),
        /*train_length=*/IntegerAttr(), /*reweight_power=*/FloatAttr());
    if (front > 0)
      y = onnxir::SqueezeOp::create(
          rewriter, loc,
          RankedTensorType::get(outShape, qType.getElementType()), y,
          i64Constant(rewriter, loc,
                      llvm::to_vector(llvm::seq<int64_t>(0, front))));
    rewriter.replaceOp(op, castTo(rewriter, loc, y, op.getType()));
    return success();
  }
};

} // namespace

void raise::populateAttentionChainPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseAttentionChain>(patterns.getContext());
}
