//===- FlashAttention.cpp - attic.flash_attention as a GPU kernel ---------===//
//
// Grid: (query blocks, query heads, batches). A block of block_q query rows
// runs G lanes per row; lane `l` of a row holds the query elements
// l, l + G, l + 2G, ... and the output accumulator elements likewise, so a
// row's lanes read consecutive shared-memory words (no bank conflicts).
// For each key/value tile (cooperatively copied into shared memory, in the
// accumulator type) and each key of it:
//
//   s     = sum over lanes of the partial q.k          (shuffles within G)
//   w     = the weight of s (scale, softcap, mask, visibility)
//   m'    = max(m, w), alpha = exp(m - m'), p = exp(w - m')
//   l'    = alpha l + p,   acc' = alpha acc + p v       (softmax)
//   l'    = l + w,         acc' = acc + w v             (softplus)
//
// and each row writes acc / l (0 where l is 0). Rows past the end of the
// queries run along (the block's barriers and shuffles need every thread)
// but neither read past the buffers nor write.
//
//===----------------------------------------------------------------------===//

#include "codegen/gpu/KernelBuilder.h"
#include "codegen/gpu/Kernels.h"
#include "codegen/reference/AttentionWeights.h"
#include "codegen/reference/Builders.h"
#include "dialects/attic/AtticOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

#include <limits>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::cuda;
using namespace mlir::attic::reference;

namespace {

/// Most head elements a lane keeps in registers, for query and output each.
constexpr int64_t kLaneElements = 16;

/// Lanes per query row: the smallest power of two dividing D and Dv that
/// leaves at most kLaneElements of each per lane, else the largest power of
/// two up to a warp dividing both.
int64_t lanesPerRow(int64_t d, int64_t dv) {
  int64_t largest = 1;
  for (int64_t g = 1; g <= kWarpSize; g *= 2) {
    if (d % g || dv % g)
      break;
    largest = g;
    if (d / g <= kLaneElements && dv / g <= kLaneElements)
      return g;
  }
  return largest;
}

/// ((((i0) * n1 + i1) * n2 + i2) ...): a row-major linear index.
Value linearIndex(IndexMath &ix, ArrayRef<Value> indices,
                  ArrayRef<Value> sizes) {
  Value at = indices[0];
  for (size_t k = 1; k < indices.size(); ++k)
    at = ix.add(ix.mul(at, sizes[k]), indices[k]);
  return at;
}

} // namespace

LogicalResult cuda::lowerFlashAttentionToGpu(RewriterBase &rewriter,
                                             FlashAttentionOp op) {
  std::optional<double> scale = op.getEffectiveScale();
  auto qType = op.getQuery().getType(), vType = op.getValue().getType();
  int64_t d = qType.getDimSize(3), dv = vType.getDimSize(3);
  if (!scale || ShapedType::isDynamic(d) || ShapedType::isDynamic(dv))
    return rewriter.notifyMatchFailure(op, "head sizes are not static");
  Type elt = qType.getElementType();
  FloatType acc = accumulatorType(elt);
  int64_t accBytes = acc.getWidth() / 8;
  int64_t lanes = lanesPerRow(d, dv);
  int64_t qPerLane = d / lanes, vPerLane = dv / lanes;
  int64_t blockQ = std::min<int64_t>(op.getBlockQ(), 1024 / lanes);
  int64_t threads = llvm::alignTo(blockQ * lanes, kWarpSize);
  blockQ = threads / lanes;
  int64_t blockKv =
      std::min<int64_t>(op.getBlockKv(), kSharedBytes / ((d + dv) * accBytes));
  if (blockKv < 1)
    return rewriter.notifyMatchFailure(op, "a key tile exceeds shared memory");

  Location loc = op.getLoc();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  IndexMath hx{rewriter, loc};
  Value q = op.getQuery(), k = op.getKey(), v = op.getValue();
  Value mask = op.getMask(), lengths = op.getKvLengths();
  Value batches = hx.dim(q, 0), heads = hx.dim(q, 1), sq = hx.dim(q, 2),
        kvHeads = hx.dim(k, 1), skv = hx.dim(k, 2);
  Value group = hx.div(heads, kvHeads);
  Value qBlocks = arith::CeilDivUIOp::create(rewriter, loc, sq, hx.c(blockQ));

  SmallVector<Value> dynamicSizes;
  for (int64_t i = 0; i < 3; ++i)
    if (qType.isDynamicDim(i))
      dynamicSizes.push_back(hx.dim(q, i));
  RankedTensorType resultType = op.getType();
  Value qFlat = flatBuffer(rewriter, loc, q);
  Value kFlat = flatBuffer(rewriter, loc, k);
  Value vFlat = flatBuffer(rewriter, loc, v);
  Value maskFlat = mask ? flatBuffer(rewriter, loc, mask) : Value();
  Value lengthsFlat = lengths ? flatBuffer(rewriter, loc, lengths) : Value();
  // The mask's strides in the [B, Hq, Sq, Skv] it broadcasts to (0 along a
  // broadcast dimension), right-aligned.
  SmallVector<Value> maskStrides;
  if (mask) {
    auto maskType = cast<RankedTensorType>(mask.getType());
    int64_t rank = maskType.getRank();
    for (int64_t t = 0; t < 4; ++t) {
      int64_t m = t - (4 - rank);
      bool broadcast = m < 0 || maskType.getDimSize(m) == 1;
      maskStrides.push_back(
          broadcast ? hx.c(0) : sizeProduct(rewriter, loc, mask, m + 1, rank));
    }
  }
  ResultBuffer out = allocateResult(rewriter, loc, resultType, dynamicSizes);

  gpu::LaunchOp launch =
      createLaunch(rewriter, loc, {qBlocks, heads, batches}, threads,
                   {{acc, blockKv * d}, {acc, blockKv * dv}});
  OpBuilder &b = rewriter;
  IndexMath ix{b, loc};
  Value kTile = launch.getWorkgroupAttributions()[0];
  Value vTile = launch.getWorkgroupAttributions()[1];
  Value thread = launch.getThreadIds().x;
  Value block = launch.getBlockIds().x, head = launch.getBlockIds().y,
        batch = launch.getBlockIds().z;
  Value zero = ix.c(0), one = ix.c(1);
  Value lane = arith::RemUIOp::create(b, loc, thread, ix.c(lanes));
  Value firstRow = ix.mul(block, ix.c(blockQ));
  Value row =
      ix.add(firstRow, arith::DivUIOp::create(b, loc, thread, ix.c(lanes)));
  Value rowValid = ix.lt(row, sq);
  // Rows past the end read the last row instead.
  Value readRow = ix.min(row, arith::SubIOp::create(b, loc, sq, one));
  Value kvHead = arith::DivUIOp::create(b, loc, head, group);

  // The batch's key count L as given (positions) and clamped to [0, Skv].
  Value length = skv, clamped = skv, lengthI64 = toI64(b, loc, skv);
  if (lengths) {
    lengthI64 = toI64(
        b, loc, memref::LoadOp::create(b, loc, lengthsFlat, ValueRange{batch}));
    length = arith::IndexCastOp::create(b, loc, b.getIndexType(), lengthI64);
    clamped = arith::MinSIOp::create(
        b, loc, arith::MaxSIOp::create(b, loc, length, zero), skv);
  }
  Value rows =
      ix.min(ix.c(blockQ), arith::SubIOp::create(b, loc, sq, firstRow));
  AttentionScoring scoring = AttentionScoring::of(op);
  auto [start, last] =
      visibleKeyRange(b, loc, scoring, firstRow, rows, sq, length, clamped);
  Value end = last;

  // This lane's query elements.
  Value qRow = linearIndex(ix, {batch, head, readRow}, {batches, heads, sq});
  SmallVector<Value> qRegs;
  for (int64_t t = 0; t < qPerLane; ++t) {
    Value col = ix.add(lane, ix.c(t * lanes));
    Value at = ix.add(ix.mul(qRow, ix.c(d)), col);
    qRegs.push_back(castFloat(
        b, loc, memref::LoadOp::create(b, loc, qFlat, ValueRange{at}), acc));
  }

  bool softmax = op.getKernel() == AttentionKernel::softmax;
  Value sqI64 = toI64(b, loc, sq), skvI64 = toI64(b, loc, skv);
  Value rowI64 = toI64(b, loc, row);
  SmallVector<Value> init = {
      constF(b, loc, acc,
             softmax ? -std::numeric_limits<double>::infinity() : 0.0),
      constF(b, loc, acc, 0.0)};
  init.append(vPerLane, constF(b, loc, acc, 0.0));

  Value kvRowBase = ix.mul(ix.add(ix.mul(batch, kvHeads), kvHead), skv);
  Value tileStep = ix.c(blockKv);
  auto tiles = scf::ForOp::create(
      b, loc, start, end, tileStep, init,
      [&](OpBuilder &tb, Location tl, Value tileStart, ValueRange state) {
        IndexMath tx{tb, tl};
        Value keys =
            tx.min(tileStep, arith::SubIOp::create(tb, tl, end, tileStart));
        // Copy the tiles (zeros past the last key), after every thread is
        // done with the previous ones.
        gpu::BarrierOp::create(tb, tl);
        auto copyTile = [&](Value source, Value tile, int64_t width) {
          fillTile(tb, tl, tile, blockKv, width, thread, threads,
                   [&](OpBuilder &cb, Location cl, Value j, Value col) {
                     IndexMath cx{cb, cl};
                     Value key = cx.add(tileStart, j);
                     Value readKey = cx.min(
                         key, arith::SubIOp::create(cb, cl, end, cx.c(1)));
                     Value at = cx.add(
                         cx.mul(cx.add(kvRowBase, readKey), cx.c(width)), col);
                     Value x = castFloat(
                         cb, cl,
                         memref::LoadOp::create(cb, cl, source, ValueRange{at}),
                         acc);
                     return arith::SelectOp::create(cb, cl, cx.lt(j, keys), x,
                                                    constF(cb, cl, acc, 0.0))
                         .getResult();
                   });
        };
        copyTile(kFlat, kTile, d);
        copyTile(vFlat, vTile, dv);
        gpu::BarrierOp::create(tb, tl);

        auto perKey = scf::ForOp::create(
            tb, tl, tx.c(0), keys, tx.c(1), state,
            [&](OpBuilder &kb, Location kl, Value j, ValueRange st) {
              IndexMath kx{kb, kl};
              Value partial = constF(kb, kl, acc, 0.0);
              Value kBase = kx.mul(j, kx.c(d));
              for (int64_t t = 0; t < qPerLane; ++t) {
                Value at = kx.add(kBase, kx.add(lane, kx.c(t * lanes)));
                Value kv =
                    memref::LoadOp::create(kb, kl, kTile, ValueRange{at});
                partial = math::FmaOp::create(kb, kl, qRegs[t], kv, partial);
              }
              Value dot = reduceLanes(
                  kb, kl, partial, lanes,
                  [](OpBuilder &rb, Location rl, ValueRange x,
                     ValueRange y) -> SmallVector<Value> {
                    return {arith::AddFOp::create(rb, rl, x[0], y[0])};
                  })[0];
              Value key = kx.add(tileStart, j);
              Value maskElt;
              if (mask) {
                Value at = kx.add(kx.add(kx.mul(batch, maskStrides[0]),
                                         kx.mul(head, maskStrides[1])),
                                  kx.add(kx.mul(readRow, maskStrides[2]),
                                         kx.mul(key, maskStrides[3])));
                maskElt =
                    memref::LoadOp::create(kb, kl, maskFlat, ValueRange{at});
              }
              Value w = buildAttentionWeight(
                  kb, kl, scoring, dot, maskElt, lengthI64, lengths != nullptr,
                  rowI64, toI64(kb, kl, key), sqI64, skvI64);
              Value m = st[0], sum = st[1], p = w, alpha;
              if (softmax) {
                m = arith::MaximumFOp::create(kb, kl, st[0], w);
                alpha = math::ExpOp::create(kb, kl,
                                            subtractSafeMax(kb, kl, st[0], m));
                p = math::ExpOp::create(kb, kl, subtractSafeMax(kb, kl, w, m));
                sum = math::FmaOp::create(kb, kl, st[1], alpha, p);
              } else {
                sum = arith::AddFOp::create(kb, kl, st[1], p);
              }
              SmallVector<Value> next = {m, sum};
              Value vBase = kx.mul(j, kx.c(dv));
              for (int64_t t = 0; t < vPerLane; ++t) {
                Value at = kx.add(vBase, kx.add(lane, kx.c(t * lanes)));
                Value vv =
                    memref::LoadOp::create(kb, kl, vTile, ValueRange{at});
                Value a = st[2 + t];
                if (alpha)
                  a = arith::MulFOp::create(kb, kl, a, alpha);
                next.push_back(math::FmaOp::create(kb, kl, p, vv, a));
              }
              scf::YieldOp::create(kb, kl, next);
            });
        scf::YieldOp::create(tb, tl, perKey.getResults());
      });

  // acc / l, or 0 for a row that saw no weight.
  Value sum = tiles.getResult(1);
  scf::IfOp::create(b, loc, rowValid, [&](OpBuilder &nb, Location l) {
    IndexMath nx{nb, l};
    Value zeroF = constF(nb, l, acc, 0.0);
    Value empty =
        arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ, sum, zeroF);
    Value outRow = linearIndex(nx, {batch, head, row}, {batches, heads, sq});
    for (int64_t t = 0; t < vPerLane; ++t) {
      Value o = arith::SelectOp::create(
          nb, l, empty, zeroF,
          arith::DivFOp::create(nb, l, tiles.getResult(2 + t), sum));
      Value at =
          nx.add(nx.mul(outRow, nx.c(dv)), nx.add(lane, nx.c(t * lanes)));
      memref::StoreOp::create(nb, l, castFloat(nb, l, o, elt), out.flat,
                              ValueRange{at});
    }
    scf::YieldOp::create(nb, l);
  });

  rewriter.setInsertionPointAfter(launch);
  rewriter.replaceOp(op, resultTensor(rewriter, loc, out, resultType));
  return success();
}
