//===- LinearAttention.cpp - Linear attention as GPU kernels --------------===//
//
// Non-causal attic.linearized_attention in two kernels:
//
//   state:  grid (key/value heads, batches), 256 threads. The state
//           phi(K)^T [V, 1] ([D, Dv + 1]) of the visible keys (kv_lengths,
//           a key padding mask), each thread holding a share of its entries
//           in registers; keys staged 32 at a time in shared memory, phi
//           applied as they are.
//   output: grid (query blocks, query heads, batches). The state of the
//           query head's key/value head in shared memory; a thread per
//           (query row, output column) computes phi(q) S[:, e] and the
//           normalizer phi(q) S[:, Dv] and writes their quotient (0 where
//           the normalizer is 0).
//
// attic.chunked_linear_attention and causal attic.linearized_attention run
// the chunked recurrence's kernels (ChunkedRecurrence.h); the latter as the
// linear rule over phi(Q), phi(K) and [V, 1], query i seeing keys up to
// i + Skv - Sq.
//
//===----------------------------------------------------------------------===//

#include "codegen/gpu/ChunkedRecurrence.h"
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

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::cuda;
using namespace mlir::attic::reference;

namespace {

constexpr int64_t kThreads = 256;
/// Keys staged in shared memory at a time by the state kernel.
constexpr int64_t kKeyTile = 32;

/// Whether the op's mask, if any, has a static shape.
bool hasStaticMask(LinearizedAttentionOp op) {
  Value mask = op.getMask();
  return !mask || cast<RankedTensorType>(mask.getType()).hasStaticShape();
}

/// The operands and chunk size both chunked forms have.
template <typename OpTy> ChunkedRecurrence recurrenceOf(OpTy op) {
  ChunkedRecurrence r;
  r.query = op.getQuery();
  r.key = op.getKey();
  r.value = op.getValue();
  r.chunk = op.getChunkSize();
  return r;
}

/// Causal linearized attention through the chunked recurrence.
LogicalResult lowerCausalLinearizedAttention(RewriterBase &rewriter,
                                             LinearizedAttentionOp op) {
  ChunkedRecurrence r = recurrenceOf(op);
  r.mask = op.getMask();
  r.normalize = true;
  FloatType acc = accumulatorType(op.getQuery().getType().getElementType());
  AttentionKernel kernel = op.getKernel();
  r.featureMap = [kernel, acc](OpBuilder &b, Location loc, Value x) {
    return featureMap(b, loc, kernel, castFloat(b, loc, x, acc));
  };
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  FailureOr<ChunkedRecurrenceBuffers> buffers = buildChunkedRecurrenceOnGpu(
      rewriter, op.getLoc(), r, /*withState=*/false);
  if (failed(buffers))
    return rewriter.notifyMatchFailure(op, "a chunk exceeds shared memory");
  rewriter.replaceOp(
      op, resultTensor(rewriter, op.getLoc(), buffers->output, op.getType()));
  return success();
}

} // namespace

LogicalResult cuda::lowerLinearizedAttentionToGpu(RewriterBase &rewriter,
                                                  LinearizedAttentionOp op) {
  auto qType = op.getQuery().getType(), kType = op.getKey().getType(),
       vType = op.getValue().getType();
  if (!qType.hasStaticShape() || !kType.hasStaticShape() ||
      !vType.hasStaticShape() || !hasStaticMask(op))
    return rewriter.notifyMatchFailure(op, "shapes are not static");
  if (op.getCausal())
    return lowerCausalLinearizedAttention(rewriter, op);
  int64_t batches = qType.getDimSize(0), heads = qType.getDimSize(1),
          sq = qType.getDimSize(2), d = qType.getDimSize(3),
          kvHeads = kType.getDimSize(1), skv = kType.getDimSize(2),
          dv = vType.getDimSize(3);
  Type elt = qType.getElementType();
  FloatType acc = accumulatorType(elt);
  int64_t width = dv + 1; // [V, 1]
  int64_t entries = d * width;
  if (entries * (acc.getWidth() / 8) > kSharedBytes)
    return rewriter.notifyMatchFailure(op, "the state exceeds shared memory");
  AttentionKernel kernel = op.getKernel();

  Location loc = op.getLoc();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  OpBuilder &b = rewriter;
  IndexMath hx{b, loc};
  Value qFlat = flatBuffer(b, loc, op.getQuery());
  Value kFlat = flatBuffer(b, loc, op.getKey());
  Value vFlat = flatBuffer(b, loc, op.getValue());
  KeyVisibility visibility =
      KeyVisibility::create(b, loc, op.getMask(), op.getKvLengths(), skv);

  // The states [B, Hkv, D, Dv + 1].
  auto stateType = RankedTensorType::get({batches, kvHeads, d, width}, acc);
  ResultBuffer states = allocateResult(b, loc, stateType, ValueRange{});
  {
    OpBuilder::InsertionGuard inner(b);
    gpu::LaunchOp launch =
        createLaunch(b, loc, {hx.c(kvHeads), hx.c(batches), hx.c(1)}, kThreads,
                     {{acc, kKeyTile * d}, {acc, kKeyTile * width}});
    Value kTile = launch.getWorkgroupAttributions()[0];
    Value vTile = launch.getWorkgroupAttributions()[1];
    Value thread = launch.getThreadIds().x;
    Value head = launch.getBlockIds().x, batch = launch.getBlockIds().y;
    IndexMath ix{b, loc};
    // This thread's entries (r, c) of the state.
    SmallVector<ThreadEntry> held =
        threadEntries(b, loc, thread, kThreads, d, width);
    // The keys visible: [0, L) with L = kv_lengths[b] clamped to [0, Skv].
    Value end = visibility.length(b, loc, batch);
    Value rowBase =
        ix.mul(ix.add(ix.mul(batch, ix.c(kvHeads)), head), ix.c(skv));
    SmallVector<Value> init(held.size(), constF(b, loc, acc, 0.0));
    auto tiles = scf::ForOp::create(
        b, loc, ix.c(0), end, ix.c(kKeyTile), init,
        [&](OpBuilder &tb, Location tl, Value first, ValueRange sums) {
          IndexMath tx{tb, tl};
          Value keys = tx.min(tx.c(kKeyTile), tx.sub(end, first));
          gpu::BarrierOp::create(tb, tl);
          // phi(k) and [v, 1] of the tile's keys; zeros for keys past the
          // end or masked out.
          auto stage = [&](Value tile, int64_t cols, bool isKey) {
            fillTile(
                tb, tl, tile, kKeyTile, cols, thread, kThreads,
                [&](OpBuilder &sb, Location sl, Value j, Value c) -> Value {
                  IndexMath sx{sb, sl};
                  Value key = sx.add(first, j);
                  Value readKey = sx.min(key, sx.sub(end, sx.c(1)));
                  Value inside = arith::AndIOp::create(
                      sb, sl, sx.lt(j, keys),
                      visibility.masked(sb, sl, batch, readKey));
                  Value x;
                  if (isKey) {
                    Value at =
                        sx.add(sx.mul(sx.add(rowBase, readKey), sx.c(d)), c);
                    x = featureMap(
                        sb, sl, kernel,
                        castFloat(sb, sl,
                                  memref::LoadOp::create(sb, sl, kFlat, at),
                                  acc));
                  } else {
                    // The column of ones past the values.
                    Value isOne = arith::CmpIOp::create(
                        sb, sl, arith::CmpIPredicate::eq, c, sx.c(dv));
                    Value readCol = sx.min(c, sx.c(dv - 1));
                    Value at = sx.add(
                        sx.mul(sx.add(rowBase, readKey), sx.c(dv)), readCol);
                    x = arith::SelectOp::create(
                        sb, sl, isOne, constF(sb, sl, acc, 1.0),
                        castFloat(sb, sl,
                                  memref::LoadOp::create(sb, sl, vFlat, at),
                                  acc));
                  }
                  return arith::SelectOp::create(sb, sl, inside, x,
                                                 constF(sb, sl, acc, 0.0));
                });
          };
          stage(kTile, d, /*isKey=*/true);
          stage(vTile, width, /*isKey=*/false);
          gpu::BarrierOp::create(tb, tl);
          auto keyLoop = scf::ForOp::create(
              tb, tl, tx.c(0), keys, tx.c(1), sums,
              [&](OpBuilder &kb, Location kl, Value j, ValueRange s) {
                IndexMath kx{kb, kl};
                SmallVector<Value> next;
                for (auto [t, entry] : llvm::enumerate(held)) {
                  Value kv = memref::LoadOp::create(
                      kb, kl, kTile, kx.add(kx.mul(j, kx.c(d)), entry.row));
                  Value vv = memref::LoadOp::create(
                      kb, kl, vTile, kx.add(kx.mul(j, kx.c(width)), entry.col));
                  next.push_back(math::FmaOp::create(kb, kl, kv, vv, s[t]));
                }
                scf::YieldOp::create(kb, kl, next);
              });
          scf::YieldOp::create(tb, tl, keyLoop.getResults());
        });
    Value stateBase =
        ix.mul(ix.add(ix.mul(batch, ix.c(kvHeads)), head), ix.c(entries));
    for (auto [t, entry] : llvm::enumerate(held)) {
      Value at =
          ix.add(stateBase, ix.add(ix.mul(entry.row, ix.c(width)), entry.col));
      Value sum = tiles.getResult(t);
      scf::IfOp::create(b, loc, entry.inside, [&](OpBuilder &nb, Location l) {
        memref::StoreOp::create(nb, l, sum, states.flat, at);
        scf::YieldOp::create(nb, l);
      });
    }
  }

  // The output: a thread per (row, column) of a block of rows.
  int64_t columns = llvm::PowerOf2Ceil(dv);
  int64_t rowsPerBlock = std::max<int64_t>(1, kThreads / columns);
  int64_t threads = rowsPerBlock * columns;
  ResultBuffer out = allocateResult(b, loc, op.getType(), ValueRange{});
  {
    OpBuilder::InsertionGuard inner(b);
    gpu::LaunchOp launch = createLaunch(
        b, loc,
        {hx.c(llvm::divideCeil(sq, rowsPerBlock)), hx.c(heads), hx.c(batches)},
        threads, {{acc, entries}, {acc, rowsPerBlock * d}});
    Value state = launch.getWorkgroupAttributions()[0];
    Value phiQ = launch.getWorkgroupAttributions()[1];
    Value thread = launch.getThreadIds().x;
    Value block = launch.getBlockIds().x, head = launch.getBlockIds().y,
          batch = launch.getBlockIds().z;
    IndexMath ix{b, loc};
    Value kvHead = arith::DivUIOp::create(b, loc, head, ix.c(heads / kvHeads));
    Value stateBase =
        ix.mul(ix.add(ix.mul(batch, ix.c(kvHeads)), kvHead), ix.c(entries));
    Value firstRow = ix.mul(block, ix.c(rowsPerBlock));
    // The state, and phi of the block's queries (zeros past the end).
    scf::ForOp::create(
        b, loc, thread, ix.c(entries), ix.c(threads), ValueRange{},
        [&](OpBuilder &nb, Location l, Value e, ValueRange) {
          memref::StoreOp::create(
              nb, l,
              memref::LoadOp::create(nb, l, states.flat,
                                     IndexMath{nb, l}.add(stateBase, e)),
              state, e);
          scf::YieldOp::create(nb, l);
        });
    scf::ForOp::create(
        b, loc, thread, ix.c(rowsPerBlock * d), ix.c(threads), ValueRange{},
        [&](OpBuilder &nb, Location l, Value e, ValueRange) {
          IndexMath nx{nb, l};
          Value r = arith::DivUIOp::create(nb, l, e, nx.c(d));
          Value c = arith::RemUIOp::create(nb, l, e, nx.c(d));
          Value row = nx.add(firstRow, r);
          Value inside = nx.lt(row, nx.c(sq));
          Value at = nx.add(
              nx.mul(nx.add(nx.mul(nx.add(nx.mul(batch, nx.c(heads)), head),
                                   nx.c(sq)),
                            nx.min(row, nx.c(sq - 1))),
                     nx.c(d)),
              c);
          Value x = featureMap(
              nb, l, kernel,
              castFloat(nb, l, memref::LoadOp::create(nb, l, qFlat, at), acc));
          memref::StoreOp::create(
              nb, l,
              arith::SelectOp::create(nb, l, inside, x,
                                      constF(nb, l, acc, 0.0)),
              phiQ, e);
          scf::YieldOp::create(nb, l);
        });
    gpu::BarrierOp::create(b, loc);
    Value r = arith::DivUIOp::create(b, loc, thread, ix.c(columns));
    Value col = arith::RemUIOp::create(b, loc, thread, ix.c(columns));
    Value readCol = ix.min(col, ix.c(dv - 1));
    Value zero = constF(b, loc, acc, 0.0);
    auto dots = scf::ForOp::create(
        b, loc, ix.c(0), ix.c(d), ix.c(1), ValueRange{zero, zero},
        [&](OpBuilder &nb, Location l, Value k, ValueRange s) {
          IndexMath nx{nb, l};
          Value phi = memref::LoadOp::create(nb, l, phiQ,
                                             nx.add(nx.mul(r, nx.c(d)), k));
          Value at = nx.mul(k, nx.c(width));
          Value num = math::FmaOp::create(
              nb, l, phi,
              memref::LoadOp::create(nb, l, state, nx.add(at, readCol)), s[0]);
          Value norm = math::FmaOp::create(
              nb, l, phi,
              memref::LoadOp::create(nb, l, state, nx.add(at, nx.c(dv))), s[1]);
          scf::YieldOp::create(nb, l, ValueRange{num, norm});
        });
    Value row = ix.add(firstRow, r);
    Value inside = arith::AndIOp::create(b, loc, ix.lt(row, ix.c(sq)),
                                         ix.lt(col, ix.c(dv)));
    scf::IfOp::create(b, loc, inside, [&](OpBuilder &nb, Location l) {
      IndexMath nx{nb, l};
      Value norm = dots.getResult(1);
      Value empty =
          arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ, norm, zero);
      Value o = arith::SelectOp::create(
          nb, l, empty, zero,
          arith::DivFOp::create(nb, l, dots.getResult(0), norm));
      Value at =
          nx.add(nx.mul(nx.add(nx.mul(nx.add(nx.mul(batch, nx.c(heads)), head),
                                      nx.c(sq)),
                               row),
                        nx.c(dv)),
                 col);
      memref::StoreOp::create(nb, l, castFloat(nb, l, o, elt), out.flat, at);
      scf::YieldOp::create(nb, l);
    });
  }

  rewriter.replaceOp(op, resultTensor(b, loc, out, op.getType()));
  return success();
}

LogicalResult
cuda::lowerChunkedLinearAttentionToGpu(RewriterBase &rewriter,
                                       ChunkedLinearAttentionOp op) {
  ChunkedRecurrence r = recurrenceOf(op);
  r.pastState = op.getPastState();
  r.decay = op.getDecay();
  r.beta = op.getBeta();
  r.scale = *op.getEffectiveScale();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  Location loc = op.getLoc();
  FailureOr<ChunkedRecurrenceBuffers> buffers =
      buildChunkedRecurrenceOnGpu(rewriter, loc, r, /*withState=*/true);
  if (failed(buffers))
    return rewriter.notifyMatchFailure(
        op, "dynamic shapes, or a chunk exceeds shared memory");
  rewriter.replaceOp(op, {resultTensor(rewriter, loc, buffers->output,
                                       op.getOutput().getType()),
                          resultTensor(rewriter, loc, *buffers->state,
                                       op.getPresentState().getType())});
  return success();
}
