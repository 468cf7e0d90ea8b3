//===- FlashAttention.cpp - Lowering of attic.flash_attention -------------===//
//
// Loops over batch, query head and query block carry the output tensor; the
// inner loop over key/value blocks carries, per query row of the block, the
// running maximum m, the sum l and the accumulated output acc:
//
//   s     = scale q k^T (+ softcap, mask; hidden keys -inf)   [bq, bkv]
//   m'    = max(m, rowmax s),   alpha = exp(m - m')
//   p     = exp(s - m'),        l' = alpha l + rowsum p
//   acc'  = alpha acc + p v
//
// and the block's output is acc / l (0 where l is 0). The softplus kernel
// needs no maximum: p = softplus(s), l' = l + rowsum p, acc' = acc + p v.
// Every tensor is at most block_q x max(block_kv, Dv) per row block; the
// key/value loop covers only the keys some row of the block can see.
//
//===----------------------------------------------------------------------===//

#include "codegen/forms/Forms.h"
#include "codegen/reference/AttentionWeights.h"
#include "codegen/reference/Builders.h"
#include "dialects/attic/AtticOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

#include <limits>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::reference;

namespace {

using utils::IteratorType;
constexpr double kNegInf = -std::numeric_limits<double>::infinity();

/// A [1, 1, rows, cols] slice of a [B, H, S, X] tensor.
Value tile(OpBuilder &b, Location loc, Value tensor, Value batch, Value head,
           Value row, Value rows, Value col, Value cols) {
  SmallVector<OpFoldResult> offsets = {batch, head, row, col};
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1), b.getIndexAttr(1), rows,
                                     cols};
  SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(b, loc, tensor, offsets, sizes,
                                        strides);
}

/// The slice of a mask broadcasting to [B, Hq, Sq, Skv] that covers the
/// block, and the map reading it from (b, h, i, j) of the block.
std::pair<Value, AffineMap> maskTile(OpBuilder &b, Location loc, Value mask,
                                     ArrayRef<Value> offsets,
                                     ArrayRef<Value> sizes) {
  auto type = cast<RankedTensorType>(mask.getType());
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> off, size;
  SmallVector<AffineExpr> exprs;
  for (int64_t m = 0; m < rank; ++m) {
    int64_t t = 4 - rank + m;
    if (type.getDimSize(m) == 1) {
      off.push_back(b.getIndexAttr(0));
      size.push_back(b.getIndexAttr(1));
      exprs.push_back(b.getAffineConstantExpr(0));
    } else {
      off.push_back(offsets[t]);
      size.push_back(sizes[t]);
      exprs.push_back(b.getAffineDimExpr(t));
    }
  }
  SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
  Value slice =
      tensor::ExtractSliceOp::create(b, loc, mask, off, size, strides);
  return {slice, AffineMap::get(4, 0, exprs, b.getContext())};
}

struct LowerFlashAttention final : OpRewritePattern<FlashAttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(FlashAttentionOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.getEffectiveScale())
      return rewriter.notifyMatchFailure(op, "default scale of a dynamic D");
    Location loc = op.getLoc();
    IndexMath ix{rewriter, loc};
    Value q = op.getQuery(), k = op.getKey(), v = op.getValue();
    Value lengths = op.getKvLengths();
    Type elt = op.getQuery().getType().getElementType();
    FloatType acc = accumulatorType(elt);
    bool softmax = op.getKernel() == AttentionKernel::softmax;
    AttentionScoring scoring = AttentionScoring::of(op);

    Value batches = ix.dim(q, 0), heads = ix.dim(q, 1), sq = ix.dim(q, 2),
          d = ix.dim(q, 3), skv = ix.dim(k, 2), dv = ix.dim(v, 3);
    Value group = ix.div(heads, ix.dim(k, 1));
    Value blockQ = ix.c(op.getBlockQ()), blockKv = ix.c(op.getBlockKv());
    Value zero = ix.c(0), one = ix.c(1);
    Value sqI64 = toI64(rewriter, loc, sq);

    SmallVector<OpFoldResult> outSizes = getSizes(rewriter, loc, q);
    outSizes[3] = getSizes(rewriter, loc, v)[3];
    Value init = emptyTensor(rewriter, loc, outSizes, elt);

    auto batchLoop = scf::ForOp::create(
        rewriter, loc, zero, batches, one, ValueRange{init},
        [&](OpBuilder &b0, Location l0, Value batch, ValueRange out0) {
          // The batch's key count L: kv_lengths[b] as given (query
          // positions and the visibility rule use it) and clamped to
          // [0, Skv] (the end of the key loop).
          Value length = skv, clamped = skv, lengthI64 = toI64(b0, l0, skv);
          if (lengths) {
            lengthI64 = toI64(
                b0, l0, tensor::ExtractOp::create(b0, l0, lengths, batch));
            length = arith::IndexCastOp::create(b0, l0, b0.getIndexType(),
                                                lengthI64);
            IndexMath ix0{b0, l0};
            clamped = ix0.min(ix0.max(length, zero), skv);
          }
          auto headLoop = scf::ForOp::create(
              b0, l0, zero, heads, one, out0,
              [&](OpBuilder &b1, Location l1, Value head, ValueRange out1) {
                Value kvHead = IndexMath{b1, l1}.div(head, group);
                auto rowLoop = scf::ForOp::create(
                    b1, l1, zero, sq, blockQ, out1,
                    [&](OpBuilder &b2, Location l2, Value row,
                        ValueRange out2) {
                      Value result = buildRowBlock(
                          b2, l2, op, scoring, softmax, acc, elt, batch, head,
                          kvHead, row, sq, sqI64, d, dv, blockQ, blockKv,
                          length, clamped, lengthI64, out2[0]);
                      scf::YieldOp::create(b2, l2, result);
                    });
                scf::YieldOp::create(b1, l1, rowLoop.getResults());
              });
          scf::YieldOp::create(b0, l0, headLoop.getResults());
        });
    rewriter.replaceOp(
        op, castTensor(rewriter, loc, batchLoop.getResult(0), op.getType()));
    return success();
  }

  /// One block of query rows: the loop over key/value blocks, then the
  /// normalized rows inserted into `out`.
  static Value buildRowBlock(OpBuilder &b, Location loc, FlashAttentionOp op,
                             const AttentionScoring &scoring, bool softmax,
                             FloatType acc, Type elt, Value batch, Value head,
                             Value kvHead, Value row, Value sq, Value sqI64,
                             Value d, Value dv, Value blockQ, Value blockKv,
                             Value length, Value clamped, Value lengthI64,
                             Value out) {
    MLIRContext *ctx = b.getContext();
    IndexMath ix{b, loc};
    Value zero = ix.c(0);
    Value rows = ix.tileSize(blockQ, sq, row);

    auto range =
        visibleKeyRange(b, loc, scoring, row, rows, sq, length, clamped);
    Value start = range.first, end = range.second;

    Value skvI64 = toI64(b, loc, ix.dim(op.getKey(), 2));
    Value qTile = tile(b, loc, op.getQuery(), batch, head, row, rows, zero, d);
    SmallVector<OpFoldResult> rowSizes = {b.getIndexAttr(1), b.getIndexAttr(1),
                                          rows};
    SmallVector<OpFoldResult> accSizes = {b.getIndexAttr(1), b.getIndexAttr(1),
                                          rows, dv};
    Value m0 = filledTensor(b, loc, rowSizes, acc, kNegInf);
    Value l0 = filledTensor(b, loc, rowSizes, acc, 0.0);
    Value acc0 = filledTensor(b, loc, accSizes, acc, 0.0);

    AffineExpr bd, hd, id, jd, xd;
    bindDims(ctx, bd, hd, id, jd, xd);
    auto map5 = [&](ArrayRef<AffineExpr> exprs) {
      return AffineMap::get(5, 0, exprs, ctx);
    };
    AffineMap all4 = AffineMap::getMultiDimIdentityMap(4, ctx);
    AffineMap rowMap = all4.dropResult(3);
    AffineMap rowMap3 = AffineMap::getMultiDimIdentityMap(3, ctx);

    auto kvLoop = scf::ForOp::create(
        b, loc, start, end, blockKv, ValueRange{m0, l0, acc0},
        [&](OpBuilder &nb, Location l, Value key, ValueRange state) {
          IndexMath nx{nb, l};
          Value m = state[0], sum = state[1], accum = state[2];
          Value keys = nx.tileSize(blockKv, end, key);
          Value kTile =
              tile(nb, l, op.getKey(), batch, kvHead, key, keys, zero, d);
          Value vTile =
              tile(nb, l, op.getValue(), batch, kvHead, key, keys, zero, dv);

          // Scores of the block, [1, 1, rows, keys].
          SmallVector<OpFoldResult> sSizes = {nb.getIndexAttr(1),
                                              nb.getIndexAttr(1), rows, keys};
          Value sInit = filledTensor(nb, l, sSizes, acc, 0.0);
          Value scores =
              contract(nb, l, qTile, kTile, sInit,
                       {map5({bd, hd, id, xd}), map5({bd, hd, jd, xd}),
                        map5({bd, hd, id, jd})},
                       {IteratorType::parallel, IteratorType::parallel,
                        IteratorType::parallel, IteratorType::parallel,
                        IteratorType::reduction});

          // Weights (softmax: logits, -inf where hidden).
          SmallVector<Value> inputs = {scores};
          SmallVector<AffineMap> maps = {all4};
          if (Value mask = op.getMask()) {
            auto [slice, map] = maskTile(nb, l, mask, {batch, head, row, key},
                                         {nx.c(1), nx.c(1), rows, keys});
            inputs.push_back(slice);
            maps.push_back(map);
          }
          maps.push_back(all4);
          Value rowI64 = toI64(nb, l, row), keyI64 = toI64(nb, l, key);
          Value weights = parallelGeneric(
              nb, l, inputs, emptyTensor(nb, l, sSizes, acc), maps,
              [&](OpBuilder &bb, Location ll, ValueRange args) {
                Value i = arith::AddIOp::create(
                    bb, ll, rowI64,
                    toI64(bb, ll, linalg::IndexOp::create(bb, ll, 2)));
                Value j = arith::AddIOp::create(
                    bb, ll, keyI64,
                    toI64(bb, ll, linalg::IndexOp::create(bb, ll, 3)));
                Value maskElt = op.getMask() ? args[1] : Value();
                linalg::YieldOp::create(
                    bb, ll,
                    buildAttentionWeight(
                        bb, ll, scoring, args[0], maskElt, lengthI64,
                        op.getKvLengths() != nullptr, i, j, sqI64, skvI64));
              });

          // Running statistics: the new maximum and the rescaling factor.
          Value newMax = m, alpha;
          Value probs = weights;
          if (softmax) {
            Value blockMax = reduceInnermost(
                nb, l, weights, filledTensor(nb, l, rowSizes, acc, kNegInf),
                [](OpBuilder &bb, Location ll, Value x, Value r) {
                  return Value(arith::MaximumFOp::create(bb, ll, x, r));
                });
            RunningMax running = updateRunningMax(nb, l, m, blockMax);
            newMax = running.newMax;
            alpha = running.alpha;
            // p = exp(s - m').
            probs = parallelGeneric(
                nb, l, ValueRange{weights, newMax},
                emptyTensor(nb, l, sSizes, acc), {all4, rowMap, all4},
                [&](OpBuilder &bb, Location ll, ValueRange args) {
                  linalg::YieldOp::create(
                      bb, ll,
                      Value(math::ExpOp::create(
                          bb, ll, subtractSafeMax(bb, ll, args[0], args[1]))));
                });
          }

          // l' = alpha l + rowsum p (alpha = 1 without a maximum).
          Value scaledSum = sum, scaledAcc = accum;
          if (alpha) {
            scaledSum = parallelGeneric(
                nb, l, ValueRange{sum, alpha},
                emptyTensor(nb, l, rowSizes, acc), {rowMap3, rowMap3, rowMap3},
                [&](OpBuilder &bb, Location ll, ValueRange args) {
                  linalg::YieldOp::create(
                      bb, ll,
                      Value(arith::MulFOp::create(bb, ll, args[0], args[1])));
                });
            scaledAcc = parallelGeneric(
                nb, l, ValueRange{accum, alpha},
                emptyTensor(nb, l, accSizes, acc), {all4, rowMap, all4},
                [&](OpBuilder &bb, Location ll, ValueRange args) {
                  linalg::YieldOp::create(
                      bb, ll,
                      Value(arith::MulFOp::create(bb, ll, args[0], args[1])));
                });
          }
          Value newSum = reduceInnermost(
              nb, l, probs, scaledSum,
              [](OpBuilder &bb, Location ll, Value x, Value r) {
                return Value(arith::AddFOp::create(bb, ll, r, x));
              });
          // acc' = alpha acc + p v; dims (b, h, i, j, e), j reduced and e,
          // along which v and acc are contiguous, innermost.
          Value newAcc =
              contract(nb, l, probs, vTile, scaledAcc,
                       {map5({bd, hd, id, jd}), map5({bd, hd, jd, xd}),
                        map5({bd, hd, id, xd})},
                       {IteratorType::parallel, IteratorType::parallel,
                        IteratorType::parallel, IteratorType::reduction,
                        IteratorType::parallel});
          scf::YieldOp::create(nb, l, ValueRange{newMax, newSum, newAcc});
        });

    // The block's rows: acc / l, or 0 for a row that saw no weight.
    Value sum = kvLoop.getResult(1), accum = kvLoop.getResult(2);
    Value rowsOut = parallelGeneric(
        b, loc, ValueRange{accum, sum}, emptyTensor(b, loc, accSizes, elt),
        {all4, rowMap, all4}, [&](OpBuilder &bb, Location ll, ValueRange args) {
          Value zeroF = constF(bb, ll, acc, 0.0);
          Value empty = arith::CmpFOp::create(bb, ll, arith::CmpFPredicate::OEQ,
                                              args[1], zeroF);
          Value o = arith::SelectOp::create(
              bb, ll, empty, zeroF,
              arith::DivFOp::create(bb, ll, args[0], args[1]));
          linalg::YieldOp::create(bb, ll, castFloat(bb, ll, o, elt));
        });
    SmallVector<OpFoldResult> offsets = {batch, head, row, b.getIndexAttr(0)};
    SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
    return tensor::InsertSliceOp::create(b, loc, rowsOut, out, offsets,
                                         accSizes, strides);
  }
};

} // namespace

void mlir::attic::populateFlashAttentionLoweringPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerFlashAttention>(patterns.getContext());
}
