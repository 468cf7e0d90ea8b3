//===- RaiseLinalg.cpp - Softmax and attention from linalg ----------------===//
//
// The spellings raised (x along axis a; S = Q·Kᵀ into a zero-filled init,
// Kᵀ by the matmul's indexing maps or a linalg.transpose of K):
//
//   linalg.softmax dimension(a) ins(x)          -> attic.softmax(x, a)
//   matmul(softmax(S * c or S / c or S (+ M), last), V)
//                                               -> attic.attention(Q, K, V)
//
// with M a float mask added by a linalg.generic (read by the identity map,
// or by the trailing loops: broadcast over the batch), or a boolean mask
// applied by a linalg.generic selecting between the scores and a fill that
// masks them out (-inf, or at most -1e4) -- masked_fill as torch-mlir
// writes it; the mask is the attention's (negated when the fill is taken
// where it is true).
//
// matmul is linalg.batch_matmul ([B, S, D], one head per batch entry) or
// linalg.matmul ([S, D]); the attention sees them as [B, 1, S, D] and
// [1, 1, S, D]. Batched operands that collapse [B, H, S, D] tensors give
// the attention their heads; K and V may be repeated over grouped-query
// heads (broadcast to [B, Hkv, G, S, D] and collapsed), which it reads
// through. c is a float constant, the multiplier of a linalg.generic
// whose body is one arith.mulf or arith.divf; without one the scale is 1.
// The softmax is linalg.softmax or attic.softmax.
//
//===----------------------------------------------------------------------===//

#include "passes/raise/Match.h"
#include "passes/raise/Transforms.h"

#include "dialects/attic/AtticOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::raise;

namespace {

/// linalg.softmax of a ranked float tensor -> attic.softmax.
struct RaiseLinalgSoftmax final : OpRewritePattern<linalg::SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::SoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || !rankedFloat(op.getInput()))
      return rewriter.notifyMatchFailure(op, "not a ranked float tensor");
    return raiseTo<SoftmaxOp>(rewriter, op, op.getInput(),
                              static_cast<int64_t>(op.getDimension()));
  }
};

/// Whether `init` is all zeros: a linalg.fill of 0 or a zero constant.
bool isZeroInit(Value init) {
  if (auto fill = init.getDefiningOp<linalg::FillOp>())
    return matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
  return matchPattern(init, m_AnyZeroFloat());
}

/// The factors of a product `lhs · rhs` or `lhs · rhsᵀ` computed by a
/// linalg.matmul or linalg.batch_matmul into zeros.
struct Product {
  Value lhs, rhs;
  bool rhsTransposed;
};

template <typename MatmulOp> std::optional<Product> matchMatmul(MatmulOp op) {
  if (!op.hasPureTensorSemantics() || !isZeroInit(op.getOutputs()[0]))
    return std::nullopt;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  SmallVector<AffineMap> defaults =
      MatmulOp::getDefaultIndexingMaps(op.getContext());
  if (maps[0] != defaults[0] || maps[2] != defaults[2])
    return std::nullopt;
  // The rhs map indexes [batch...] (k, n); transposed, [batch...] (n, k).
  unsigned rank = defaults[1].getNumResults();
  SmallVector<int64_t> swap = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  std::swap(swap[rank - 2], swap[rank - 1]);
  Product product{op.getInputs()[0], op.getInputs()[1], false};
  if (maps[1] == defaults[1].getSubMap(llvm::to_vector_of<unsigned>(swap)))
    product.rhsTransposed = true;
  else if (maps[1] != defaults[1])
    return std::nullopt;
  // A linalg.transpose swapping the last two axes in front of a plain rhs.
  if (!product.rhsTransposed)
    if (auto transpose = product.rhs.getDefiningOp<linalg::TransposeOp>();
        transpose && transpose.hasPureTensorSemantics() &&
        llvm::equal(transpose.getPermutation(), swap)) {
      product.rhs = transpose.getInput();
      product.rhsTransposed = true;
    }
  return product;
}

std::optional<Product> matchProduct(Value value) {
  if (auto op = value.getDefiningOp<linalg::MatmulOp>())
    return matchMatmul(op);
  if (auto op = value.getDefiningOp<linalg::BatchMatmulOp>())
    return matchMatmul(op);
  return std::nullopt;
}

/// The input of a softmax along the last axis of `value`.
Value matchLastAxisSoftmax(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type)
    return {};
  int64_t last = type.getRank() - 1;
  if (auto op = value.getDefiningOp<linalg::SoftmaxOp>();
      op && op.hasPureTensorSemantics() &&
      static_cast<int64_t>(op.getDimension()) == last)
    return op.getInput();
  if (auto op = value.getDefiningOp<SoftmaxOp>();
      op && op.getAxisIndex() == last)
    return op.getInput();
  return {};
}

/// `value` = s * c, c * s or s / c elementwise for a float constant c, as
/// a linalg.generic: sets `scores` to s and returns the factor (c or 1/c).
std::optional<double> matchScaling(Value value, Value &scores) {
  auto generic = value.getDefiningOp<linalg::GenericOp>();
  if (!generic || !generic.hasPureTensorSemantics() ||
      generic.getNumDpsInputs() != 1 || generic.getNumDpsInits() != 1 ||
      generic.getNumReductionLoops() != 0 ||
      !llvm::all_of(generic.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return std::nullopt;
  Block &body = generic.getRegion().front();
  if (body.getOperations().size() != 2)
    return std::nullopt;
  Operation *scale = &body.front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (yield.getValues()[0] != scale->getResult(0) ||
      !isa<arith::MulFOp, arith::DivFOp>(scale))
    return std::nullopt;
  Value in = body.getArgument(0);
  Value lhs = scale->getOperand(0), rhs = scale->getOperand(1);
  bool isDiv = isa<arith::DivFOp>(scale);
  if (lhs != in && !isDiv)
    std::swap(lhs, rhs);
  FloatAttr constant;
  if (lhs != in || !matchPattern(rhs, m_Constant(&constant)))
    return std::nullopt;
  double c = constant.getValueAsDouble();
  if (isDiv && c == 0)
    return std::nullopt;
  scores = generic.getDpsInputs()[0];
  return isDiv ? 1 / c : c;
}

/// `value` = s + m elementwise as a linalg.generic whose body is one
/// arith.addf, s read by the identity map and m (the mask) by the identity
/// or by the trailing loops (a mask broadcast over the batch): sets
/// `scores` to s and returns m, as its [batch, 1, S, Skv] view where it has
/// the batch dimension.
/// The linalg.generic defining `value` when it has the shape of a mask
/// applied to scores: two inputs, one result read by the identity map, no
/// reduction.
linalg::GenericOp maskingGeneric(Value value) {
  auto generic = value.getDefiningOp<linalg::GenericOp>();
  if (!generic || !generic.hasPureTensorSemantics() ||
      generic.getNumDpsInputs() != 2 || generic.getNumDpsInits() != 1 ||
      generic.getNumReductionLoops() != 0 ||
      !generic.getIndexingMapsArray()[2].isIdentity())
    return {};
  return generic;
}

/// Whether input `side` of a masking generic is the scores (read by the
/// identity map) and input `1 - side` a mask read by the last k loops in
/// order (k its rank: broadcast over the leading dimensions).
bool scoresAndMask(linalg::GenericOp generic, int side) {
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  AffineMap maskMap = maps[1 - side];
  unsigned loops = generic.getNumLoops(), k = maskMap.getNumResults();
  return maps[side].isIdentity() && maskMap.getNumSymbols() == 0 &&
         k <= loops &&
         maskMap ==
             AffineMap::getMinorIdentityMap(loops, k, generic.getContext());
}

Value matchMaskAdd(Value value, Value &scores) {
  linalg::GenericOp generic = maskingGeneric(value);
  if (!generic)
    return {};
  Block &body = generic.getRegion().front();
  auto add = dyn_cast<arith::AddFOp>(&body.front());
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (body.getOperations().size() != 2 || !add ||
      yield.getValues()[0] != add.getResult())
    return {};
  for (int scoresSide : {0, 1}) {
    int maskSide = 1 - scoresSide;
    if (!scoresAndMask(generic, scoresSide) ||
        add.getOperand(scoresSide) != body.getArgument(scoresSide) ||
        add.getOperand(maskSide) != body.getArgument(maskSide))
      continue;
    scores = generic.getDpsInputs()[scoresSide];
    return generic.getDpsInputs()[maskSide];
  }
  return {};
}

/// Whether `value` is a float constant that masks a score out.
bool isScalarMaskingFill(Value value) {
  FloatAttr fill;
  return matchPattern(value, m_Constant(&fill)) &&
         isMaskingFill(fill.getValueAsDouble());
}

/// `value` = select(m, s, fill) or select(m, fill, s) elementwise as a
/// linalg.generic (s read by the identity map, the i1 mask m by the
/// identity or the trailing loops, fill a constant that masks a score out):
/// sets `scores` to s and returns m, with `negated` set when the fill is
/// taken where m is true.
Value matchMaskSelect(Value value, Value &scores, bool &negated) {
  linalg::GenericOp generic = maskingGeneric(value);
  if (!generic)
    return {};
  Block &body = generic.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto select = yield.getValues()[0].getDefiningOp<arith::SelectOp>();
  if (!select || select->getBlock() != &body)
    return {};
  // Nothing else in the body but the fill's constant.
  for (Operation &op : body.without_terminator())
    if (&op != select && !matchPattern(&op, m_Constant()))
      return {};
  for (int scoresSide : {0, 1}) {
    int maskSide = 1 - scoresSide;
    BlockArgument s = body.getArgument(scoresSide);
    BlockArgument m = body.getArgument(maskSide);
    if (!scoresAndMask(generic, scoresSide) || select.getCondition() != m ||
        !m.getType().isInteger(1))
      continue;
    if (select.getTrueValue() == s &&
        isScalarMaskingFill(select.getFalseValue()))
      negated = false;
    else if (select.getFalseValue() == s &&
             isScalarMaskingFill(select.getTrueValue()))
      negated = true;
    else
      continue;
    scores = generic.getDpsInputs()[scoresSide];
    return generic.getDpsInputs()[maskSide];
  }
  return {};
}

/// not `mask` (an i1 tensor), elementwise.
Value negateMask(OpBuilder &b, Location loc, Value mask) {
  auto type = cast<RankedTensorType>(mask.getType());
  Value init = tensor::EmptyOp::create(
      b, loc, tensor::getMixedSizes(b, loc, mask), type.getElementType());
  AffineMap id = b.getMultiDimIdentityMap(type.getRank());
  SmallVector<utils::IteratorType> parallel(type.getRank(),
                                            utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, type, mask, init, ArrayRef<AffineMap>{id, id}, parallel,
             [](OpBuilder &nb, Location l, ValueRange args) {
               Value yes =
                   arith::ConstantOp::create(nb, l, nb.getBoolAttr(true));
               linalg::YieldOp::create(
                   nb, l, Value(arith::XOrIOp::create(nb, l, args[0], yes)));
             })
      .getResult(0);
}

/// How a matmul operand of `rank` 3 ([batch, S, D]) or 2 ([S, D]) and its
/// [batch, 1, S, D] or [1, 1, S, D] attention view map onto each other.
SmallVector<ReassociationIndices> headReassociation(int64_t rank) {
  if (rank == 2)
    return {{0, 1, 2}, {3}};
  return {{0, 1}, {2}, {3}};
}

/// `value` ([batch, S, D] or [S, D]) as [batch, 1, S, D] or [1, 1, S, D].
Value toHeads(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, value);
  SmallVector<int64_t> shape(type.getShape());
  // The unit dimensions in front of S: one after the batch, or two.
  int64_t at = type.getRank() == 2 ? 0 : 1;
  int64_t units = 4 - type.getRank();
  sizes.insert(sizes.begin() + at, units, b.getIndexAttr(1));
  shape.insert(shape.begin() + at, units, 1);
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), value,
      headReassociation(type.getRank()), sizes);
}

/// The 4-D tensor [B, H, S, D] that `value` ([B * H, S, D]) collapses, if
/// it does.
Value collapsedHeads(Value value) {
  auto collapse = value.getDefiningOp<tensor::CollapseShapeOp>();
  if (!collapse || collapse.getSrcType().getRank() != 4 ||
      collapse.getReassociationIndices() !=
          SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}})
    return {};
  return collapse.getSrc();
}

/// Reads through K or V repeated for grouped-query heads as torch-mlir
/// writes it: [B, Hkv, S, D] broadcast to [B, Hkv, G, S, D]
/// (linalg.broadcast of dimension 2) and collapsed to [B, Hkv G, S, D].
/// Returns the [B, Hkv, S, D] tensor, or `value` itself.
Value unrepeatHeads(Value value) {
  auto collapse = value.getDefiningOp<tensor::CollapseShapeOp>();
  if (!collapse || collapse.getSrcType().getRank() != 5 ||
      collapse.getReassociationIndices() !=
          SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}})
    return value;
  auto broadcast = collapse.getSrc().getDefiningOp<linalg::BroadcastOp>();
  if (!broadcast || !broadcast.hasPureTensorSemantics() ||
      !llvm::equal(broadcast.getDimensions(), ArrayRef<int64_t>{2}))
    return value;
  return broadcast.getInput();
}

/// Attention over 3-D operands [B * H, S, D] that are views of 4-D ones:
/// the 4-D Q, K and V (K and V with their repetition over grouped-query
/// heads read through), or nothing.
struct HeadViews {
  Value q, k, v;
};
std::optional<HeadViews> matchHeadViews(Value q, Value k, Value v) {
  HeadViews views{collapsedHeads(q), collapsedHeads(k), collapsedHeads(v)};
  if (!views.q || !views.k || !views.v)
    return std::nullopt;
  views.k = unrepeatHeads(views.k);
  views.v = unrepeatHeads(views.v);
  auto qType = cast<RankedTensorType>(views.q.getType());
  auto kType = cast<RankedTensorType>(views.k.getType());
  auto vType = cast<RankedTensorType>(views.v.getType());
  if (kType.getDimSize(1) != vType.getDimSize(1) ||
      ShapedType::isDynamic(qType.getDimSize(1)) ||
      ShapedType::isDynamic(kType.getDimSize(1)) ||
      qType.getDimSize(1) % kType.getDimSize(1) != 0)
    return std::nullopt;
  return views;
}

/// matmul(softmax(scaled Q·Kᵀ), V) -> attic.attention.
template <typename MatmulOp>
struct RaiseLinalgAttention final : OpRewritePattern<MatmulOp> {
  using OpRewritePattern<MatmulOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<Product> output = matchMatmul(op);
    if (!output || output->rhsTransposed)
      return rewriter.notifyMatchFailure(op, "not P · V into zeros");
    Value scores = matchLastAxisSoftmax(output->lhs);
    if (!scores)
      return rewriter.notifyMatchFailure(op, "P is not a last-axis softmax");
    Value mask = matchMaskAdd(scores, scores);
    RankedTensorType maskType = mask ? rankedFloat(mask) : RankedTensorType();
    if (mask && !maskType)
      return rewriter.notifyMatchFailure(op, "the mask is no float tensor");
    bool negated = false;
    if (!mask) {
      mask = matchMaskSelect(scores, scores, negated);
      maskType =
          mask ? cast<RankedTensorType>(mask.getType()) : RankedTensorType();
    }
    double scale = 1;
    if (std::optional<double> factor = matchScaling(scores, scores))
      scale = *factor;
    std::optional<Product> qk = matchProduct(scores);
    if (!qk || !qk->rhsTransposed)
      return rewriter.notifyMatchFailure(op, "scores are not Q · Kᵀ");
    Value q = qk->lhs, k = qk->rhs, v = output->rhs;
    Type element = cast<RankedTensorType>(op.getType(0)).getElementType();
    for (Value operand : {q, k, v})
      if (!rankedFloat(operand) ||
          getElementTypeOrSelf(operand.getType()) != element)
        return rewriter.notifyMatchFailure(op, "operand types differ");

    if (mask && !maskType.getElementType().isInteger(1) &&
        maskType.getElementType() != element)
      return nearMiss(rewriter, op, "the mask's element type differs");

    Location loc = op.getLoc();
    if (negated)
      mask = negateMask(rewriter, loc, mask);
    // Batched operands that are views of [B, H, S, D] tensors (K and V
    // perhaps repeated over grouped-query heads) give their heads to the
    // attention; otherwise each batch entry is one head.
    std::optional<HeadViews> views =
        cast<RankedTensorType>(q.getType()).getRank() == 3
            ? matchHeadViews(q, k, v)
            : std::nullopt;
    Value q4, k4, v4;
    if (views) {
      q4 = views->q;
      k4 = views->k;
      v4 = views->v;
    } else {
      q4 = toHeads(rewriter, loc, q);
      k4 = toHeads(rewriter, loc, k);
      v4 = toHeads(rewriter, loc, v);
    }
    // A mask of the scores' rank has their batch dimension: the same view
    // as Q ([B * H, S, Skv] as [B, H, S, Skv] with head views); a smaller
    // one broadcasts over [batch, 1, S, Skv] as it is.
    if (mask &&
        maskType.getRank() == cast<RankedTensorType>(q.getType()).getRank()) {
      if (views) {
        SmallVector<OpFoldResult> sizes =
            tensor::getMixedSizes(rewriter, loc, q4);
        sizes[3] = tensor::getMixedSizes(rewriter, loc, mask)[2];
        SmallVector<int64_t> shape(
            cast<RankedTensorType>(q4.getType()).getShape());
        shape[3] = maskType.getDimSize(2);
        mask = tensor::ExpandShapeOp::create(
            rewriter, loc,
            RankedTensorType::get(shape, maskType.getElementType()), mask,
            headReassociation(3), sizes);
      } else {
        mask = toHeads(rewriter, loc, mask);
      }
    }
    auto qType = cast<RankedTensorType>(q4.getType());
    auto vType = cast<RankedTensorType>(v4.getType());
    SmallVector<int64_t> shape(qType.getShape());
    shape.back() = vType.getShape().back();
    auto attention = AttentionOp::create(
        rewriter, loc, RankedTensorType::get(shape, element), q4, k4, v4, mask,
        /*kv_lengths=*/Value(), rewriter.getF64FloatAttr(scale),
        /*causal=*/UnitAttr(), /*left_window=*/IntegerAttr(),
        /*right_window=*/IntegerAttr(), /*softcap=*/FloatAttr(),
        AttentionKernelAttr::get(rewriter.getContext(),
                                 AttentionKernel::softmax),
        /*train_length=*/IntegerAttr(), /*reweight_power=*/FloatAttr());
    Value result = tensor::CollapseShapeOp::create(
        rewriter, loc, attention,
        headReassociation(cast<RankedTensorType>(q.getType()).getRank()));
    Value cast = castTo(rewriter, loc, result, op.getType(0));
    if (!cast)
      return rewriter.notifyMatchFailure(op, "result type differs");
    rewriter.replaceOp(op, cast);
    return success();
  }
};

} // namespace

void mlir::attic::populateRaiseLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseLinalgSoftmax, RaiseLinalgAttention<linalg::MatmulOp>,
               RaiseLinalgAttention<linalg::BatchMatmulOp>>(
      patterns.getContext());
  populateLinalgGenericPatterns(patterns);
}
