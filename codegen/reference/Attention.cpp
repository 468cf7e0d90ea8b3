//===- Attention.cpp - Reference lowering of attic.attention --------------===//
//
// Attention with the score matrix materialized, in four steps:
//   1. S[b,h,i,j] = sum_d f(q[b,h,i,d], k[b,h/g,j,d])   (kernel-specific f)
//   2. W = weights(S) elementwise: scale, softcap, float mask, visibility
//      (kv_lengths, causal bottom-right, windows, i1 mask)
//   3. softmax: P = attic.softmax(W) (masked entries are -inf, so a fully
//      masked row gives zeros); other kernels keep W and its row sum
//   4. O[b,h,i,e] = sum_j P[b,h,i,j] v[b,h/g,j,e], divided by the row sum
//      sum_j W[b,h,i,j] for the l1-normalized kernels (0 when it is 0)
// Everything accumulates in f32 (f64 stays f64).
//
//===----------------------------------------------------------------------===//

#include "codegen/reference/AttentionWeights.h"
#include "codegen/reference/Builders.h"
#include "codegen/reference/Reference.h"
#include "dialects/attic/AtticOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

#include <limits>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::reference;

namespace {

using utils::IteratorType;

struct LowerAttention final : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &rewriter) const override {
    if (std::optional<StringRef> why = referenceLoweringBlocker(op))
      return rewriter.notifyMatchFailure(op, *why);
    RankedTensorType qType = op.getQuery().getType(),
                     kType = op.getKey().getType();
    int64_t hq = qType.getDimSize(1), hkv = kType.getDimSize(1);
    int64_t group = hq / hkv;

    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    AttentionKernel kernel = op.getKernel();
    Type elt = qType.getElementType();
    FloatType acc = accumulatorType(elt);

    SmallVector<OpFoldResult> qSizes = getSizes(rewriter, loc, op.getQuery());
    SmallVector<OpFoldResult> kSizes = getSizes(rewriter, loc, op.getKey());
    SmallVector<OpFoldResult> vSizes = getSizes(rewriter, loc, op.getValue());
    // Scores [B, Hq, Sq, Skv].
    SmallVector<OpFoldResult> sSizes = {qSizes[0], qSizes[1], qSizes[2],
                                        kSizes[2]};

    // Dims (b, h, i, j, d); the kv head is h floordiv group.
    AffineExpr b, h, i, j, d;
    bindDims(ctx, b, h, i, j, d);
    AffineExpr kvHead = h.floorDiv(group);
    auto map5 = [&](ArrayRef<AffineExpr> exprs) {
      return AffineMap::get(5, 0, exprs, ctx);
    };
    auto map4 = [&](ArrayRef<AffineExpr> exprs) {
      return AffineMap::get(4, 0, exprs, ctx);
    };

    // 1. Scores.
    Value sInit = filledTensor(rewriter, loc, sSizes, acc, 0.0);
    Value scores =
        linalg::GenericOp::create(
            rewriter, loc, sInit.getType(),
            ValueRange{op.getQuery(), op.getKey()}, sInit,
            {map5({b, h, i, d}), map5({b, kvHead, j, d}), map5({b, h, i, j})},
            {IteratorType::parallel, IteratorType::parallel,
             IteratorType::parallel, IteratorType::parallel,
             IteratorType::reduction},
            [&](OpBuilder &nb, Location l, ValueRange args) {
              Value q = castFloat(nb, l, args[0], acc);
              Value k = castFloat(nb, l, args[1], acc);
              Value term;
              if (op.hasFeatureMapKernel()) {
                term =
                    arith::MulFOp::create(nb, l, featureMap(nb, l, kernel, q),
                                          featureMap(nb, l, kernel, k));
              } else if (kernel == AttentionKernel::gaussian) {
                Value diff = arith::SubFOp::create(nb, l, q, k);
                term = arith::MulFOp::create(nb, l, diff, diff);
              } else {
                term = arith::MulFOp::create(nb, l, q, k);
              }
              linalg::YieldOp::create(
                  nb, l, Value(arith::AddFOp::create(nb, l, args[2], term)));
            })
            .getResult(0);

    // 2. Weights (for softmax: masked logits).
    SmallVector<Value> inputs = {scores};
    SmallVector<AffineMap> maps = {map4({b, h, i, j})};
    Value mask = op.getMask();
    if (mask) {
      auto maskType = cast<RankedTensorType>(mask.getType());
      int64_t rank = maskType.getRank();
      SmallVector<AffineExpr> exprs;
      AffineExpr all[] = {b, h, i, j};
      for (int64_t m = 0; m < rank; ++m)
        exprs.push_back(maskType.getDimSize(m) == 1
                            ? getAffineConstantExpr(0, ctx)
                            : all[4 - rank + m]);
      inputs.push_back(mask);
      maps.push_back(map4(exprs));
    }
    Value lengths = op.getKvLengths();
    if (lengths) {
      inputs.push_back(lengths);
      maps.push_back(map4({b}));
    }
    maps.push_back(map4({b, h, i, j}));

    Value sq = getValueOrCreateConstantIndexOp(rewriter, loc, qSizes[2]);
    Value skv = getValueOrCreateConstantIndexOp(rewriter, loc, kSizes[2]);
    AttentionScoring scoring = AttentionScoring::of(op);
    bool softmax = kernel == AttentionKernel::softmax;

    Value wInit = emptyTensor(rewriter, loc, sSizes, acc);
    Value weights = parallelGeneric(
        rewriter, loc, inputs, wInit, maps,
        [&](OpBuilder &nb, Location l, ValueRange args) {
          unsigned next = 1;
          Value maskElt = mask ? args[next++] : Value();
          Value len = lengths ? toI64(nb, l, args[next++]) : toI64(nb, l, skv);
          Value iIdx = toI64(nb, l, linalg::IndexOp::create(nb, l, 2));
          Value jIdx = toI64(nb, l, linalg::IndexOp::create(nb, l, 3));
          linalg::YieldOp::create(
              nb, l,
              buildAttentionWeight(nb, l, scoring, args[0], maskElt, len,
                                   lengths != nullptr, iIdx, jIdx,
                                   toI64(nb, l, sq), toI64(nb, l, skv)));
        });

    // 3. Normalization weights.
    bool l1 = kernel != AttentionKernel::softmax &&
              kernel != AttentionKernel::gaussian;
    if (softmax)
      weights = SoftmaxOp::create(rewriter, loc, weights, 3);

    // 4. Output O = W V, and for l1 kernels the row sum of W (a reduction of
    // its own: inside the contraction it would be added once per column e).
    SmallVector<OpFoldResult> oSizes = {qSizes[0], qSizes[1], qSizes[2],
                                        vSizes[3]};
    // Dims (b, h, i, j, e): j walks the keys (reduced), e walks Dv,
    // innermost because v and the output are contiguous along it.
    AffineExpr key = getAffineDimExpr(3, ctx), e = getAffineDimExpr(4, ctx);
    Value oInit = filledTensor(rewriter, loc, oSizes, acc, 0.0);
    Value output = contract(
        rewriter, loc, weights, op.getValue(), oInit,
        {map5({b, h, i, key}), map5({b, kvHead, key, e}), map5({b, h, i, e})},
        {IteratorType::parallel, IteratorType::parallel, IteratorType::parallel,
         IteratorType::reduction, IteratorType::parallel});
    Value rowSum;
    if (l1) {
      SmallVector<OpFoldResult> rowSizes(sSizes.begin(), sSizes.end() - 1);
      Value rInit = filledTensor(rewriter, loc, rowSizes, acc, 0.0);
      rowSum = linalg::GenericOp::create(
                   rewriter, loc, rInit.getType(), weights, rInit,
                   {map4({b, h, i, j}), map4({b, h, i})},
                   {IteratorType::parallel, IteratorType::parallel,
                    IteratorType::parallel, IteratorType::reduction},
                   [&](OpBuilder &nb, Location l, ValueRange args) {
                     linalg::YieldOp::create(
                         nb, l,
                         Value(arith::AddFOp::create(nb, l, args[1], args[0])));
                   })
                   .getResult(0);
    }

    // Final pass: divide by the row sum (l1 kernels) and cast to the result.
    SmallVector<Value> finalInputs = {output};
    SmallVector<AffineMap> finalMaps = {map4({b, h, i, j})};
    if (l1) {
      finalInputs.push_back(rowSum);
      finalMaps.push_back(map4({b, h, i}));
    }
    finalMaps.push_back(map4({b, h, i, j}));
    Value result = emptyTensor(rewriter, loc, oSizes, elt);
    Value out = parallelGeneric(
        rewriter, loc, finalInputs, result, finalMaps,
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value o = args[0];
          if (l1) {
            Value sum = args[1];
            Value zero = constF(nb, l, acc, 0.0);
            Value empty = arith::CmpFOp::create(
                nb, l, arith::CmpFPredicate::OEQ, sum, zero);
            o = arith::SelectOp::create(nb, l, empty, zero,
                                        arith::DivFOp::create(nb, l, o, sum));
          }
          linalg::YieldOp::create(nb, l, castFloat(nb, l, o, elt));
        });
    rewriter.replaceOp(op, castTensor(rewriter, loc, out, op.getType()));
    return success();
  }
};

} // namespace

void mlir::attic::populateAttentionReferencePatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerAttention>(patterns.getContext());
}
