//===- ChunkedRecurrence.cpp - Chunked linear attention kernels -----------===//
//
// Per chunk of C steps, with S0 the state entering it, b the cumulative log
// decay inside the chunk (0 without decay) and D[t, s] = exp(b_t - b_s)
// (per key dimension for a per-key decay), the thread block of a value tile
// (columns [e0, e0 + BV) of V, and the column of ones when normalizing)
// computes, as the loop lowering does (codegen/forms/LinearAttention.cpp):
//
//   U = V, or for the delta rules  W = V - exp(b) K S0  and
//       U[t] = beta_t (W[t] - sum_{s < t} (K K^T o D)[t, s] U[s])
//   O = exp(b) Q S0 + tril(Q K^T o D) U          for each query head
//   S = exp(b_last) S0 + (K o exp(b_last - b))^T U
//
// Mapping: 256 threads. The query, key and cumulative decay of the chunk
// are staged in shared memory 16 key dimensions at a time, with the rows of
// S0 for those dimensions; the C x C scores and the C x W products
// exp(b) Q S0 (or exp(b) K S0) accumulate in registers, an entry per thread
// and 256 entries apart. The scores then go to shared memory, masked, and
// each thread finishes its output entries from them and U (also in shared
// memory). The forward substitution runs a thread per value column down the
// chunk's rows. The state lives in global memory, each block owning its
// columns: every thread updates its share of a key slice's rows in place.
// Padding steps (past T) have zero keys, values, log decay and beta, and
// change nothing.
//
//===----------------------------------------------------------------------===//

#include "codegen/gpu/ChunkedRecurrence.h"

#include "codegen/reference/Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::cuda;
using namespace mlir::attic::reference;

namespace {

constexpr int64_t kThreads = 256;
/// Key dimensions staged in shared memory at a time.
constexpr int64_t kSlice = 16;
/// Most value columns a block handles.
constexpr int64_t kMaxTile = 64;

/// A ChunkedRecurrence with its sizes; flatten() turns its tensors into
/// flat buffers.
struct Problem : ChunkedRecurrence {
  std::optional<KeyVisibility> visibility;
  bool perKeyDecay, sharedBeta;
  int64_t batches, heads, kvHeads, steps, keys, dk, dv, keyOffset;
  Type elementType;

  explicit Problem(const ChunkedRecurrence &spec) : ChunkedRecurrence(spec) {
    auto qType = cast<RankedTensorType>(query.getType()),
         kType = cast<RankedTensorType>(key.getType()),
         vType = cast<RankedTensorType>(value.getType());
    batches = qType.getDimSize(0);
    heads = qType.getDimSize(1);
    steps = qType.getDimSize(2);
    dk = qType.getDimSize(3);
    kvHeads = kType.getDimSize(1);
    keys = kType.getDimSize(2);
    dv = vType.getDimSize(3);
    keyOffset = keys - steps;
    perKeyDecay =
        decay && cast<RankedTensorType>(decay.getType()).getRank() == 4;
    sharedBeta =
        beta && cast<RankedTensorType>(beta.getType()).getDimSize(1) == 1;
    elementType = qType.getElementType();
  }

  void flatten(OpBuilder &b, Location loc) {
    if (mask)
      visibility = KeyVisibility::create(b, loc, mask, Value(), keys);
    for (Value *x : {&query, &key, &value, &pastState, &decay, &beta})
      if (*x)
        *x = flatBuffer(b, loc, *x);
  }
};

/// The sizes the kernels are built for.
struct Layout {
  int64_t chunk, group, paddedSteps, decayWidth;
  /// Value columns per block, the shared width of a value row (one more
  /// with the column of ones), and the number of value tiles.
  int64_t tile, width, tiles;
};

/// Words of shared memory the main kernel uses.
int64_t sharedWords(const Problem &r, int64_t c, int64_t w) {
  int64_t words = 2 * c * kSlice + kSlice * w + c * c + c * w;
  if (r.decay)
    words += c * kSlice;
  if (r.normalize)
    words += c;
  if (r.beta)
    words += c;
  return words;
}

FailureOr<Layout> layoutFor(const Problem &r, FloatType acc) {
  bool staticShapes = llvm::all_of(
      ArrayRef<Value>{r.query, r.key, r.value, r.pastState, r.decay, r.beta},
      [](Value x) {
        return !x || cast<RankedTensorType>(x.getType()).hasStaticShape();
      });
  if (!staticShapes || r.steps < 1 || r.keys < 1 || r.dk < 1 || r.dv < 1 ||
      r.kvHeads < 1 || r.heads % r.kvHeads != 0)
    return failure();
  Layout l;
  l.chunk = std::clamp<int64_t>(r.chunk, 1, r.steps);
  l.group = r.heads / r.kvHeads;
  l.paddedSteps = llvm::divideCeil(r.steps, l.chunk) * l.chunk;
  l.decayWidth = r.perKeyDecay ? r.dk : 1;
  int64_t bytes = acc.getWidth() / 8;
  int64_t ones = r.normalize ? 1 : 0;
  l.tile = std::min<int64_t>(kMaxTile, llvm::PowerOf2Ceil(r.dv));
  while (sharedWords(r, l.chunk, l.tile + ones) * bytes > kSharedBytes) {
    if (l.tile == 1)
      return failure();
    l.tile /= 2;
  }
  l.width = l.tile + ones;
  l.tiles = llvm::divideCeil(r.dv, l.tile);
  return l;
}

Value load(OpBuilder &b, Location loc, Value buffer, Value index) {
  return memref::LoadOp::create(b, loc, buffer, index);
}

void store(OpBuilder &b, Location loc, Value value, Value buffer, Value index) {
  memref::StoreOp::create(b, loc, value, buffer, index);
}

/// Runs `body` where `condition` holds.
void when(OpBuilder &b, Location loc, Value condition,
          function_ref<void(OpBuilder &, Location)> body) {
  scf::IfOp::create(b, loc, condition, [&](OpBuilder &nb, Location l) {
    body(nb, l);
    scf::YieldOp::create(nb, l);
  });
}

Value allOf(OpBuilder &b, Location loc, ArrayRef<Value> conditions) {
  Value all = conditions.front();
  for (Value c : conditions.drop_front())
    all = arith::AndIOp::create(b, loc, all, c);
  return all;
}

class RecurrenceKernels {
public:
  RecurrenceKernels(const Problem &r, const Layout &l, FloatType acc)
      : r(r), l(l), acc(acc) {}

  /// cum[b, h, t, d]: the log decay summed from the start of t's chunk.
  void buildCumulativeDecay(OpBuilder &b, Location loc, Value cum);

  /// The kernel walking the chunks (the file comment): `state` holds each
  /// block's state columns, [B, Hkv, tiles, Dk, W] in the accumulator
  /// type; the output goes to `out`, the final state to `present` (when
  /// given).
  void buildMain(OpBuilder &b, Location loc, Value cum, Value state, Value out,
                 Value present);

private:
  Value zero(OpBuilder &b, Location loc) { return constF(b, loc, acc, 0.0); }
  Value read(OpBuilder &b, Location loc, Value buffer, Value index) {
    return castFloat(b, loc, load(b, loc, buffer, index), acc);
  }

  /// Whether column `col` of the block's tile is a column of V (not the
  /// column of ones, nor past Dv).
  Value isValueColumn(OpBuilder &b, Location loc, Value col) {
    IndexMath ix{b, loc};
    return arith::AndIOp::create(b, loc, ix.lt(col, ix.c(l.tile)),
                                 ix.lt(ix.add(firstCol, col), ix.c(r.dv)));
  }
  /// Whether key row `key` takes part: in [0, end) and visible.
  Value keyInside(OpBuilder &b, Location loc, Value key, Value end);
  /// `key` clamped to the key rows.
  Value clampKey(OpBuilder &b, Location loc, Value key);
  /// Offset of row `row` of key/value head `kvHead` in a [B, Hkv, rows, *]
  /// buffer whose rows are `cols` wide.
  Value kvRow(OpBuilder &b, Location loc, int64_t rows, Value row,
              int64_t cols);

  /// V's tile for key rows [keyBase, keyBase + C) into uS.
  void stageValues(OpBuilder &b, Location loc, Value keyBase, Value keyEnd);
  void stageBeta(OpBuilder &b, Location loc, Value firstStep);
  /// Key dimensions [d0, d0 + 16): keys (rows from keyBase), queries of
  /// `head` (when given; rows from firstStep), the cumulative decay (when
  /// `decayed`) and the state's rows.
  void stageSlice(OpBuilder &b, Location loc, Value d0, Value keyBase,
                  Value keyEnd, Value firstStep, Value head, bool decayed);
  /// A loop over the key slices carrying `init`: per slice, `stage` between
  /// barriers, then `compute`.
  ValueRange overSlices(
      OpBuilder &b, Location loc, ValueRange init,
      function_ref<void(OpBuilder &, Location, Value)> stage,
      function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)>
          compute);
  /// Adds the slice's part of lhs K^T o D (at `scores`) and of
  /// exp(b) lhs S0 (at `products`) to `sums`, in that order (without the
  /// decay when it is per head).
  SmallVector<Value> accumulate(OpBuilder &b, Location loc, Value lhs,
                                ArrayRef<ThreadEntry> scores,
                                ArrayRef<ThreadEntry> products,
                                ValueRange sums);
  /// The thread's entries of the chunk's scores lhs K^T o D and of the
  /// products exp(b) lhs S0 (lhs: the queries of `head`, or the keys
  /// without one), summed over the key dimensions.
  struct ChunkSums {
    SmallVector<ThreadEntry> scores, products;
    /// Those of the scores, then those of the products.
    SmallVector<Value> sums;
  };
  ChunkSums chunkSums(OpBuilder &b, Location loc, Value firstStep,
                      Value keyBase, Value head);
  /// Stores the scores held in `sums` into aS, zero where col > row (or
  /// col >= row with `strict`).
  void storeScores(OpBuilder &b, Location loc, ArrayRef<ThreadEntry> scores,
                   ValueRange sums, bool strict);

  /// U for the delta rules, in place of V in uS.
  void solveDelta(OpBuilder &b, Location loc, Value firstStep, Value keyBase);
  /// Query head `head`'s output rows of the chunk.
  void writeOutput(OpBuilder &b, Location loc, Value firstStep, Value keyBase,
                   Value head);
  /// The state after the chunk's keys from keyBase (with the chunk's decay
  /// when firstStep is given).
  void updateState(OpBuilder &b, Location loc, Value keyBase, Value keyEnd,
                   Value firstStep);

  const Problem &r;
  const Layout &l;
  FloatType acc;
  // Set by buildMain.
  Value thread, batch, kvHead, firstCol, stateBase;
  Value qS, kS, gS, sS, aS, uS, nS, betaS;
  Value cum, state, out;
};

void RecurrenceKernels::buildCumulativeDecay(OpBuilder &b, Location loc,
                                             Value cumFlat) {
  IndexMath hx{b, loc};
  int64_t threads = llvm::alignTo(l.decayWidth, kWarpSize);
  OpBuilder::InsertionGuard guard(b);
  gpu::LaunchOp launch = createLaunch(
      b, loc, {hx.c(l.paddedSteps / l.chunk), hx.c(r.kvHeads), hx.c(r.batches)},
      threads);
  Value column = launch.getThreadIds().x, chunk = launch.getBlockIds().x;
  Value head = launch.getBlockIds().y, batchId = launch.getBlockIds().z;
  IndexMath ix{b, loc};
  Value pair = ix.add(ix.mul(batchId, ix.c(r.kvHeads)), head);
  Value first = ix.mul(chunk, ix.c(l.chunk));
  when(b, loc, ix.lt(column, ix.c(l.decayWidth)),
       [&](OpBuilder &nb, Location nl) {
         scf::ForOp::create(
             nb, nl, ix.c(0), ix.c(l.chunk), ix.c(1), ValueRange{zero(nb, nl)},
             [&](OpBuilder &fb, Location fl, Value row, ValueRange running) {
               IndexMath fx{fb, fl};
               Value t = fx.add(first, row);
               Value inside = fx.lt(t, fx.c(r.steps));
               Value at = fx.add(fx.mul(fx.add(fx.mul(pair, fx.c(r.steps)),
                                               fx.min(t, fx.c(r.steps - 1))),
                                        fx.c(l.decayWidth)),
                                 column);
               Value g = arith::SelectOp::create(
                   fb, fl, inside, read(fb, fl, r.decay, at), zero(fb, fl));
               Value sum = arith::AddFOp::create(fb, fl, running[0], g);
               store(fb, fl, sum, cumFlat,
                     fx.add(fx.mul(fx.add(fx.mul(pair, fx.c(l.paddedSteps)), t),
                                   fx.c(l.decayWidth)),
                            column));
               scf::YieldOp::create(fb, fl, sum);
             });
       });
}

Value RecurrenceKernels::clampKey(OpBuilder &b, Location loc, Value key) {
  IndexMath ix{b, loc};
  return ix.max(ix.min(key, ix.c(r.keys - 1)), ix.c(0));
}

Value RecurrenceKernels::keyInside(OpBuilder &b, Location loc, Value key,
                                   Value end) {
  IndexMath ix{b, loc};
  Value inside = arith::AndIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, key, ix.c(0)),
      ix.lt(key, end));
  if (r.visibility)
    inside = arith::AndIOp::create(
        b, loc, inside,
        r.visibility->masked(b, loc, batch, clampKey(b, loc, key)));
  return inside;
}

Value RecurrenceKernels::kvRow(OpBuilder &b, Location loc, int64_t rows,
                               Value row, int64_t cols) {
  IndexMath ix{b, loc};
  return ix.mul(
      ix.add(ix.mul(ix.add(ix.mul(batch, ix.c(r.kvHeads)), kvHead), ix.c(rows)),
             row),
      ix.c(cols));
}

void RecurrenceKernels::stageValues(OpBuilder &b, Location loc, Value keyBase,
                                    Value keyEnd) {
  fillTile(b, loc, uS, l.chunk, l.width, thread, kThreads,
           [&](OpBuilder &sb, Location sl, Value row, Value col) -> Value {
             IndexMath sx{sb, sl};
             Value key = sx.add(keyBase, row);
             Value e = sx.add(firstCol, col);
             Value isValue = isValueColumn(sb, sl, col);
             Value x =
                 read(sb, sl, r.value,
                      sx.add(kvRow(sb, sl, r.keys, clampKey(sb, sl, key), r.dv),
                             sx.min(e, sx.c(r.dv - 1))));
             // The column of ones past the tile's values.
             Value other = constF(sb, sl, acc, 0.0);
             if (r.normalize)
               other = arith::SelectOp::create(
                   sb, sl,
                   arith::CmpIOp::create(sb, sl, arith::CmpIPredicate::eq, col,
                                         sx.c(l.tile)),
                   constF(sb, sl, acc, 1.0), other);
             x = arith::SelectOp::create(sb, sl, isValue, x, other);
             return arith::SelectOp::create(
                 sb, sl, keyInside(sb, sl, key, keyEnd), x, zero(sb, sl));
           });
}

void RecurrenceKernels::stageBeta(OpBuilder &b, Location loc, Value firstStep) {
  int64_t heads = r.sharedBeta ? 1 : r.kvHeads;
  fillTile(b, loc, betaS, 1, l.chunk, thread, kThreads,
           [&](OpBuilder &sb, Location sl, Value, Value row) -> Value {
             IndexMath sx{sb, sl};
             Value t = sx.add(firstStep, row);
             Value head = r.sharedBeta ? sx.c(0) : kvHead;
             Value at = sx.add(sx.mul(sx.add(sx.mul(batch, sx.c(heads)), head),
                                      sx.c(r.steps)),
                               sx.min(t, sx.c(r.steps - 1)));
             return arith::SelectOp::create(sb, sl, sx.lt(t, sx.c(r.steps)),
                                            read(sb, sl, r.beta, at),
                                            zero(sb, sl));
           });
}

void RecurrenceKernels::stageSlice(OpBuilder &b, Location loc, Value d0,
                                   Value keyBase, Value keyEnd, Value firstStep,
                                   Value head, bool decayed) {
  auto feature = [&](OpBuilder &sb, Location sl, Value x) {
    return r.featureMap ? r.featureMap(sb, sl, x) : x;
  };
  fillTile(b, loc, kS, l.chunk, kSlice, thread, kThreads,
           [&](OpBuilder &sb, Location sl, Value row, Value dd) -> Value {
             IndexMath sx{sb, sl};
             Value key = sx.add(keyBase, row), d = sx.add(d0, dd);
             Value x =
                 read(sb, sl, r.key,
                      sx.add(kvRow(sb, sl, r.keys, clampKey(sb, sl, key), r.dk),
                             sx.min(d, sx.c(r.dk - 1))));
             Value inside = arith::AndIOp::create(
                 sb, sl, keyInside(sb, sl, key, keyEnd), sx.lt(d, sx.c(r.dk)));
             return arith::SelectOp::create(sb, sl, inside, feature(sb, sl, x),
                                            zero(sb, sl));
           });
  if (head)
    fillTile(
        b, loc, qS, l.chunk, kSlice, thread, kThreads,
        [&](OpBuilder &sb, Location sl, Value row, Value dd) -> Value {
          IndexMath sx{sb, sl};
          Value t = sx.add(firstStep, row), d = sx.add(d0, dd);
          Value at = sx.add(
              sx.mul(sx.add(sx.mul(sx.add(sx.mul(batch, sx.c(r.heads)), head),
                                   sx.c(r.steps)),
                            sx.min(t, sx.c(r.steps - 1))),
                     sx.c(r.dk)),
              sx.min(d, sx.c(r.dk - 1)));
          Value inside = arith::AndIOp::create(sb, sl, sx.lt(t, sx.c(r.steps)),
                                               sx.lt(d, sx.c(r.dk)));
          return arith::SelectOp::create(
              sb, sl, inside, feature(sb, sl, read(sb, sl, r.query, at)),
              zero(sb, sl));
        });
  if (decayed)
    fillTile(b, loc, gS, l.chunk, kSlice, thread, kThreads,
             [&](OpBuilder &sb, Location sl, Value row, Value dd) -> Value {
               IndexMath sx{sb, sl};
               Value column = r.perKeyDecay
                                  ? sx.min(sx.add(d0, dd), sx.c(r.dk - 1))
                                  : sx.c(0);
               return load(sb, sl, cum,
                           sx.add(kvRow(sb, sl, l.paddedSteps,
                                        sx.add(firstStep, row), l.decayWidth),
                                  column));
             });
  fillTile(b, loc, sS, kSlice, l.width, thread, kThreads,
           [&](OpBuilder &sb, Location sl, Value dd, Value col) -> Value {
             IndexMath sx{sb, sl};
             Value d = sx.add(d0, dd);
             Value x = load(
                 sb, sl, state,
                 sx.add(stateBase,
                        sx.add(sx.mul(sx.min(d, sx.c(r.dk - 1)), sx.c(l.width)),
                               col)));
             return arith::SelectOp::create(sb, sl, sx.lt(d, sx.c(r.dk)), x,
                                            zero(sb, sl));
           });
}

ValueRange RecurrenceKernels::overSlices(
    OpBuilder &b, Location loc, ValueRange init,
    function_ref<void(OpBuilder &, Location, Value)> stage,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)>
        compute) {
  IndexMath ix{b, loc};
  auto loop = scf::ForOp::create(
      b, loc, ix.c(0), ix.c(r.dk), ix.c(kSlice), init,
      [&](OpBuilder &nb, Location nl, Value d0, ValueRange sums) {
        gpu::BarrierOp::create(nb, nl);
        stage(nb, nl, d0);
        gpu::BarrierOp::create(nb, nl);
        scf::YieldOp::create(nb, nl, compute(nb, nl, d0, sums));
      });
  return loop.getResults();
}

SmallVector<Value> RecurrenceKernels::accumulate(OpBuilder &b, Location loc,
                                                 Value lhs,
                                                 ArrayRef<ThreadEntry> scores,
                                                 ArrayRef<ThreadEntry> products,
                                                 ValueRange sums) {
  IndexMath ix{b, loc};
  // A per-head decay factors out of the sums: chunkSums applies it.
  bool decayed = r.decay && r.perKeyDecay;
  auto loop = scf::ForOp::create(
      b, loc, ix.c(0), ix.c(kSlice), ix.c(1), sums,
      [&](OpBuilder &nb, Location nl, Value dd, ValueRange carried) {
        IndexMath nx{nb, nl};
        auto at = [&](Value buffer, Value row, int64_t cols, Value col) {
          return load(nb, nl, buffer, nx.add(nx.mul(row, nx.c(cols)), col));
        };
        SmallVector<Value> next;
        unsigned i = 0;
        for (const ThreadEntry &s : scores) {
          // lhs[t, d] k[s, d] exp(b[t, d] - b[s, d]); the exponent of the
          // entries masked out later is 0, so that they stay finite.
          Value x = arith::MulFOp::create(nb, nl, at(lhs, s.row, kSlice, dd),
                                          at(kS, s.col, kSlice, dd));
          if (decayed) {
            Value diff = arith::SubFOp::create(
                nb, nl, at(gS, s.row, kSlice, dd), at(gS, s.col, kSlice, dd));
            Value seen = arith::CmpIOp::create(
                nb, nl, arith::CmpIPredicate::ule, s.col, s.row);
            diff = arith::SelectOp::create(nb, nl, seen, diff, zero(nb, nl));
            x = arith::MulFOp::create(nb, nl, x,
                                      math::ExpOp::create(nb, nl, diff));
          }
          next.push_back(arith::AddFOp::create(nb, nl, carried[i++], x));
        }
        for (const ThreadEntry &p : products) {
          Value x = at(lhs, p.row, kSlice, dd);
          if (decayed)
            x = arith::MulFOp::create(
                nb, nl, x,
                math::ExpOp::create(nb, nl, at(gS, p.row, kSlice, dd)));
          next.push_back(math::FmaOp::create(
              nb, nl, x, at(sS, dd, l.width, p.col), carried[i++]));
        }
        scf::YieldOp::create(nb, nl, next);
      });
  return loop.getResults();
}

void RecurrenceKernels::storeScores(OpBuilder &b, Location loc,
                                    ArrayRef<ThreadEntry> scores,
                                    ValueRange sums, bool strict) {
  for (size_t i = 0; i < scores.size(); ++i) {
    const ThreadEntry &s = scores[i];
    Value sum = sums[i];
    when(b, loc, s.inside, [&](OpBuilder &nb, Location nl) {
      IndexMath nx{nb, nl};
      Value seen = arith::CmpIOp::create(nb, nl,
                                         strict ? arith::CmpIPredicate::ult
                                                : arith::CmpIPredicate::ule,
                                         s.col, s.row);
      store(nb, nl, arith::SelectOp::create(nb, nl, seen, sum, zero(nb, nl)),
            aS, nx.add(nx.mul(s.row, nx.c(l.chunk)), s.col));
    });
  }
}

RecurrenceKernels::ChunkSums
RecurrenceKernels::chunkSums(OpBuilder &b, Location loc, Value firstStep,
                             Value keyBase, Value head) {
  IndexMath ix{b, loc};
  ChunkSums out;
  out.scores = threadEntries(b, loc, thread, kThreads, l.chunk, l.chunk);
  out.products = threadEntries(b, loc, thread, kThreads, l.chunk, l.width);
  SmallVector<Value> init(out.scores.size() + out.products.size(),
                          zero(b, loc));
  Value lhs = head ? qS : kS;
  ValueRange sums = overSlices(
      b, loc, init,
      [&](OpBuilder &nb, Location nl, Value d0) {
        stageSlice(nb, nl, d0, keyBase, ix.c(r.keys), firstStep, head,
                   /*decayed=*/bool(r.decay));
      },
      [&](OpBuilder &nb, Location nl, Value, ValueRange carried) {
        return accumulate(nb, nl, lhs, out.scores, out.products, carried);
      });
  out.sums.assign(sums.begin(), sums.end());
  if (r.decay && !r.perKeyDecay) {
    // exp(b_t - b_s) per score and exp(b_t) per product, from the decay
    // the last slice staged (the same in every column).
    auto decayOf = [&](Value row) {
      return load(b, loc, gS, ix.mul(row, ix.c(kSlice)));
    };
    for (auto [i, e] : llvm::enumerate(out.scores)) {
      Value seen = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule,
                                         e.col, e.row);
      Value diff = arith::SelectOp::create(
          b, loc, seen,
          arith::SubFOp::create(b, loc, decayOf(e.row), decayOf(e.col)),
          zero(b, loc));
      out.sums[i] = arith::MulFOp::create(b, loc, out.sums[i],
                                          math::ExpOp::create(b, loc, diff));
    }
    for (auto [i, e] : llvm::enumerate(out.products)) {
      Value &sum = out.sums[out.scores.size() + i];
      sum = arith::MulFOp::create(b, loc, sum,
                                  math::ExpOp::create(b, loc, decayOf(e.row)));
    }
  }
  return out;
}

void RecurrenceKernels::solveDelta(OpBuilder &b, Location loc, Value firstStep,
                                   Value keyBase) {
  IndexMath ix{b, loc};
  int64_t c = l.chunk, w = l.width;
  auto [scores, products, sums] =
      chunkSums(b, loc, firstStep, keyBase, Value());
  // The strictly lower Gram matrix, and W = V - exp(b) K S0 in place of V.
  storeScores(b, loc, scores, sums, /*strict=*/true);
  for (size_t i = 0; i < products.size(); ++i) {
    const ThreadEntry &p = products[i];
    Value product = sums[scores.size() + i];
    when(b, loc, p.inside, [&](OpBuilder &nb, Location nl) {
      IndexMath nx{nb, nl};
      Value at = nx.add(nx.mul(p.row, nx.c(w)), p.col);
      store(nb, nl,
            arith::SubFOp::create(nb, nl, load(nb, nl, uS, at), product), uS,
            at);
    });
  }
  gpu::BarrierOp::create(b, loc);
  // Forward substitution, a thread per column down the rows.
  when(b, loc, ix.lt(thread, ix.c(w)), [&](OpBuilder &nb, Location nl) {
    IndexMath nx{nb, nl};
    Value col = thread;
    scf::ForOp::create(
        nb, nl, nx.c(0), nx.c(c), nx.c(1), ValueRange{},
        [&](OpBuilder &tb, Location tl, Value t, ValueRange) {
          IndexMath tx{tb, tl};
          Value at = tx.add(tx.mul(t, tx.c(w)), col);
          auto earlier = scf::ForOp::create(
              tb, tl, tx.c(0), t, tx.c(1), ValueRange{load(tb, tl, uS, at)},
              [&](OpBuilder &sb, Location sl, Value s, ValueRange x) {
                IndexMath sx{sb, sl};
                Value lower = load(sb, sl, aS, sx.add(sx.mul(t, sx.c(c)), s));
                Value u = load(sb, sl, uS, sx.add(sx.mul(s, sx.c(w)), col));
                Value product = arith::MulFOp::create(sb, sl, lower, u);
                scf::YieldOp::create(
                    sb, sl,
                    Value(arith::SubFOp::create(sb, sl, x[0], product)));
              });
          store(tb, tl,
                arith::MulFOp::create(tb, tl, load(tb, tl, betaS, t),
                                      earlier.getResult(0)),
                uS, at);
          scf::YieldOp::create(tb, tl);
        });
  });
  gpu::BarrierOp::create(b, loc);
}

void RecurrenceKernels::writeOutput(OpBuilder &b, Location loc, Value firstStep,
                                    Value keyBase, Value head) {
  IndexMath ix{b, loc};
  int64_t c = l.chunk, w = l.width;
  auto [scores, products, sums] = chunkSums(b, loc, firstStep, keyBase, head);
  storeScores(b, loc, scores, sums, /*strict=*/false);
  gpu::BarrierOp::create(b, loc);

  // O[t, e] = exp(b) Q S0 + sum_{s <= t} P[t, s] U[s, e].
  SmallVector<Value> outputs;
  for (size_t i = 0; i < products.size(); ++i) {
    const ThreadEntry &p = products[i];
    Value product = sums[scores.size() + i];
    auto loop = scf::ForOp::create(
        b, loc, ix.c(0), ix.add(p.row, ix.c(1)), ix.c(1), ValueRange{product},
        [&](OpBuilder &nb, Location nl, Value s, ValueRange o) {
          IndexMath nx{nb, nl};
          Value score = load(nb, nl, aS, nx.add(nx.mul(p.row, nx.c(c)), s));
          Value u = load(nb, nl, uS, nx.add(nx.mul(s, nx.c(w)), p.col));
          scf::YieldOp::create(
              nb, nl, Value(math::FmaOp::create(nb, nl, score, u, o[0])));
        });
    outputs.push_back(loop.getResult(0));
  }
  if (r.normalize) {
    for (size_t i = 0; i < products.size(); ++i) {
      const ThreadEntry &p = products[i];
      Value o = outputs[i];
      Value isOnes = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                           p.col, ix.c(l.tile));
      when(b, loc, arith::AndIOp::create(b, loc, p.inside, isOnes),
           [&](OpBuilder &nb, Location nl) { store(nb, nl, o, nS, p.row); });
    }
    gpu::BarrierOp::create(b, loc);
  }
  for (size_t i = 0; i < products.size(); ++i) {
    const ThreadEntry &p = products[i];
    Value o = outputs[i];
    Value t = ix.add(firstStep, p.row), e = ix.add(firstCol, p.col);
    Value inside = allOf(
        b, loc,
        {p.inside, ix.lt(t, ix.c(r.steps)), isValueColumn(b, loc, p.col)});
    when(b, loc, inside, [&](OpBuilder &nb, Location nl) {
      IndexMath nx{nb, nl};
      Value x = o;
      if (r.normalize) {
        Value norm = load(nb, nl, nS, p.row);
        Value empty = arith::CmpFOp::create(nb, nl, arith::CmpFPredicate::OEQ,
                                            norm, zero(nb, nl));
        x = arith::SelectOp::create(nb, nl, empty, zero(nb, nl),
                                    arith::DivFOp::create(nb, nl, o, norm));
      } else if (r.scale != 1.0) {
        x = arith::MulFOp::create(nb, nl, x, constF(nb, nl, acc, r.scale));
      }
      Value at = nx.add(
          nx.mul(nx.add(nx.mul(nx.add(nx.mul(batch, nx.c(r.heads)), head),
                               nx.c(r.steps)),
                        t),
                 nx.c(r.dv)),
          e);
      store(nb, nl, castFloat(nb, nl, x, r.elementType), out, at);
    });
  }
}

void RecurrenceKernels::updateState(OpBuilder &b, Location loc, Value keyBase,
                                    Value keyEnd, Value firstStep) {
  int64_t c = l.chunk, w = l.width;
  bool decayed = r.decay && firstStep;
  SmallVector<ThreadEntry> entries =
      threadEntries(b, loc, thread, kThreads, kSlice, w);
  overSlices(
      b, loc, ValueRange{},
      [&](OpBuilder &nb, Location nl, Value d0) {
        stageSlice(nb, nl, d0, keyBase, keyEnd,
                   firstStep ? firstStep : IndexMath{nb, nl}.c(0), Value(),
                   decayed);
      },
      [&](OpBuilder &nb, Location nl, Value d0, ValueRange) {
        // S[d, e] = exp(b_last[d]) S0[d, e]
        //           + sum_s k[s, d] exp(b_last[d] - b[s, d]) U[s, e].
        for (const ThreadEntry &p : entries) {
          IndexMath nx{nb, nl};
          Value last;
          if (decayed)
            last = load(nb, nl, gS, nx.add(nx.c((c - 1) * kSlice), p.row));
          auto loop = scf::ForOp::create(
              nb, nl, nx.c(0), nx.c(c), nx.c(1), ValueRange{zero(nb, nl)},
              [&](OpBuilder &sb, Location sl, Value s, ValueRange sum) {
                IndexMath sx{sb, sl};
                Value k =
                    load(sb, sl, kS, sx.add(sx.mul(s, sx.c(kSlice)), p.row));
                if (decayed) {
                  Value g =
                      load(sb, sl, gS, sx.add(sx.mul(s, sx.c(kSlice)), p.row));
                  k = arith::MulFOp::create(
                      sb, sl, k,
                      math::ExpOp::create(
                          sb, sl, arith::SubFOp::create(sb, sl, last, g)));
                }
                Value u = load(sb, sl, uS, sx.add(sx.mul(s, sx.c(w)), p.col));
                scf::YieldOp::create(
                    sb, sl, Value(math::FmaOp::create(sb, sl, k, u, sum[0])));
              });
          Value s0 = load(nb, nl, sS, nx.add(nx.mul(p.row, nx.c(w)), p.col));
          if (decayed)
            s0 = arith::MulFOp::create(nb, nl, s0,
                                       math::ExpOp::create(nb, nl, last));
          Value d = nx.add(d0, p.row);
          Value inside =
              arith::AndIOp::create(nb, nl, p.inside, nx.lt(d, nx.c(r.dk)));
          when(nb, nl, inside, [&](OpBuilder &wb, Location wl) {
            IndexMath wx{wb, wl};
            store(wb, wl, arith::AddFOp::create(wb, wl, s0, loop.getResult(0)),
                  state, wx.add(stateBase, wx.add(wx.mul(d, wx.c(w)), p.col)));
          });
        }
        return SmallVector<Value>{};
      });
}

void RecurrenceKernels::buildMain(OpBuilder &b, Location loc, Value cumFlat,
                                  Value stateFlat, Value outFlat,
                                  Value present) {
  IndexMath hx{b, loc};
  int64_t c = l.chunk, w = l.width;
  SmallVector<std::pair<Type, int64_t>> shared = {{acc, c * kSlice},
                                                  {acc, c * kSlice},
                                                  {acc, kSlice * w},
                                                  {acc, c * c},
                                                  {acc, c * w}};
  if (r.decay)
    shared.push_back({acc, c * kSlice});
  if (r.normalize)
    shared.push_back({acc, c});
  if (r.beta)
    shared.push_back({acc, c});
  OpBuilder::InsertionGuard guard(b);
  gpu::LaunchOp launch =
      createLaunch(b, loc, {hx.c(l.tiles), hx.c(r.kvHeads), hx.c(r.batches)},
                   kThreads, shared);
  auto buffers = launch.getWorkgroupAttributions();
  qS = buffers[0];
  kS = buffers[1];
  sS = buffers[2];
  aS = buffers[3];
  uS = buffers[4];
  unsigned next = 5;
  if (r.decay)
    gS = buffers[next++];
  if (r.normalize)
    nS = buffers[next++];
  if (r.beta)
    betaS = buffers[next++];
  thread = launch.getThreadIds().x;
  Value tile = launch.getBlockIds().x;
  kvHead = launch.getBlockIds().y;
  batch = launch.getBlockIds().z;
  cum = cumFlat;
  state = stateFlat;
  out = outFlat;

  IndexMath ix{b, loc};
  firstCol = ix.mul(tile, ix.c(l.tile));
  stateBase =
      ix.mul(ix.add(ix.mul(ix.add(ix.mul(batch, ix.c(r.kvHeads)), kvHead),
                           ix.c(l.tiles)),
                    tile),
             ix.c(r.dk * w));
  // The entering state: the past state's columns, zeros without one (and
  // in the column of ones).
  scf::ForOp::create(
      b, loc, thread, ix.c(r.dk * w), ix.c(kThreads), ValueRange{},
      [&](OpBuilder &nb, Location nl, Value i, ValueRange) {
        IndexMath nx{nb, nl};
        Value x = zero(nb, nl);
        if (r.pastState) {
          Value d = arith::DivUIOp::create(nb, nl, i, nx.c(w));
          Value col = arith::RemUIOp::create(nb, nl, i, nx.c(w));
          Value e = nx.add(firstCol, col);
          Value isValue = isValueColumn(nb, nl, col);
          Value at =
              nx.add(kvRow(nb, nl, r.dk, d, r.dv), nx.min(e, nx.c(r.dv - 1)));
          x = arith::SelectOp::create(nb, nl, isValue,
                                      read(nb, nl, r.pastState, at), x);
        }
        store(nb, nl, x, state, nx.add(stateBase, i));
        scf::YieldOp::create(nb, nl);
      });

  // Key rows before the first step's start the state.
  int64_t prefix = std::max<int64_t>(r.keyOffset, 0);
  if (prefix > 0)
    scf::ForOp::create(
        b, loc, ix.c(0), ix.c(prefix), ix.c(c), ValueRange{},
        [&](OpBuilder &nb, Location nl, Value keyBase, ValueRange) {
          IndexMath nx{nb, nl};
          gpu::BarrierOp::create(nb, nl);
          stageValues(nb, nl, keyBase, nx.c(prefix));
          updateState(nb, nl, keyBase, nx.c(prefix), Value());
          scf::YieldOp::create(nb, nl);
        });

  scf::ForOp::create(
      b, loc, ix.c(0), ix.c(l.paddedSteps), ix.c(c), ValueRange{},
      [&](OpBuilder &nb, Location nl, Value firstStep, ValueRange) {
        IndexMath nx{nb, nl};
        Value keyBase = nx.add(firstStep, nx.c(r.keyOffset));
        gpu::BarrierOp::create(nb, nl);
        stageValues(nb, nl, keyBase, nx.c(r.keys));
        if (r.beta) {
          stageBeta(nb, nl, firstStep);
          solveDelta(nb, nl, firstStep, keyBase);
        }
        Value firstHead = nx.mul(kvHead, nx.c(l.group));
        scf::ForOp::create(
            nb, nl, firstHead, nx.add(firstHead, nx.c(l.group)), nx.c(1),
            ValueRange{},
            [&](OpBuilder &hb, Location hl, Value head, ValueRange) {
              writeOutput(hb, hl, firstStep, keyBase, head);
              scf::YieldOp::create(hb, hl);
            });
        updateState(nb, nl, keyBase, nx.c(r.keys), firstStep);
        scf::YieldOp::create(nb, nl);
      });

  if (!present)
    return;
  gpu::BarrierOp::create(b, loc);
  scf::ForOp::create(
      b, loc, thread, ix.c(r.dk * w), ix.c(kThreads), ValueRange{},
      [&](OpBuilder &nb, Location nl, Value i, ValueRange) {
        IndexMath nx{nb, nl};
        Value d = arith::DivUIOp::create(nb, nl, i, nx.c(w));
        Value col = arith::RemUIOp::create(nb, nl, i, nx.c(w));
        Value e = nx.add(firstCol, col);
        when(nb, nl, isValueColumn(nb, nl, col),
             [&](OpBuilder &wb, Location wl) {
               IndexMath wx{wb, wl};
               Value x = load(wb, wl, state, wx.add(stateBase, i));
               store(wb, wl, castFloat(wb, wl, x, r.elementType), present,
                     wx.add(kvRow(wb, wl, r.dk, d, r.dv), e));
             });
        scf::YieldOp::create(nb, nl);
      });
}

} // namespace

KeyVisibility cuda::KeyVisibility::create(OpBuilder &b, Location loc,
                                          Value mask, Value kvLengths,
                                          int64_t keys) {
  KeyVisibility v;
  v.keys = keys;
  if (kvLengths)
    v.lengthsFlat = flatBuffer(b, loc, kvLengths);
  if (mask) {
    v.maskFlat = flatBuffer(b, loc, mask);
    auto maskType = cast<RankedTensorType>(mask.getType());
    int64_t rank = maskType.getRank();
    if (maskType.getDimSize(rank - 1) != 1)
      v.maskKeyStride = 1;
    if (rank == 4 && maskType.getDimSize(0) != 1)
      v.maskBatchStride = maskType.getNumElements() / maskType.getDimSize(0);
  }
  return v;
}

Value cuda::KeyVisibility::length(OpBuilder &b, Location loc,
                                  Value batch) const {
  IndexMath ix{b, loc};
  if (!lengthsFlat)
    return ix.c(keys);
  Value length = arith::IndexCastOp::create(
      b, loc, b.getIndexType(),
      toI64(b, loc, memref::LoadOp::create(b, loc, lengthsFlat, batch)));
  return ix.min(ix.max(length, ix.c(0)), ix.c(keys));
}

Value cuda::KeyVisibility::masked(OpBuilder &b, Location loc, Value batch,
                                  Value key) const {
  if (!maskFlat)
    return arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
  IndexMath ix{b, loc};
  Value at = ix.add(ix.mul(batch, ix.c(maskBatchStride)),
                    ix.mul(key, ix.c(maskKeyStride)));
  return memref::LoadOp::create(b, loc, maskFlat, at);
}

FailureOr<ChunkedRecurrenceBuffers> cuda::buildChunkedRecurrenceOnGpu(
    OpBuilder &b, Location loc, const ChunkedRecurrence &spec, bool withState) {
  Problem r(spec);
  FloatType acc = accumulatorType(r.elementType);
  FailureOr<Layout> layout = layoutFor(r, acc);
  if (failed(layout))
    return failure();
  const Layout &l = *layout;
  r.flatten(b, loc);
  RecurrenceKernels kernels(r, l, acc);

  Value cum;
  if (r.decay) {
    cum = allocateResult(
              b, loc,
              RankedTensorType::get(
                  {r.batches, r.kvHeads, l.paddedSteps, l.decayWidth}, acc),
              ValueRange{})
              .flat;
    kernels.buildCumulativeDecay(b, loc, cum);
  }
  // Each block's columns of the state: [B, Hkv, tiles, Dk, W].
  Value state =
      allocateResult(b, loc,
                     RankedTensorType::get(
                         {r.batches, r.kvHeads, l.tiles, r.dk, l.width}, acc),
                     ValueRange{})
          .flat;
  ChunkedRecurrenceBuffers buffers;
  buffers.output = allocateResult(
      b, loc,
      RankedTensorType::get({r.batches, r.heads, r.steps, r.dv}, r.elementType),
      ValueRange{});
  if (withState)
    buffers.state =
        allocateResult(b, loc,
                       RankedTensorType::get({r.batches, r.kvHeads, r.dk, r.dv},
                                             r.elementType),
                       ValueRange{});
  kernels.buildMain(b, loc, cum, state, buffers.output.flat,
                    withState ? buffers.state->flat : Value());
  return buffers;
}
