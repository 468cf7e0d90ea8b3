//===- LinearAttention.cpp - Lowering of the linear attention forms -------===//
//
// Both forms share one chunked recurrence over a sequence padded to a
// multiple of the chunk C. A loop over chunks carries the state S
// [B, Hkv, Dk, Dv] and the output; each chunk, with b the cumulative log
// decay inside it and D[t, s] = exp(b_t - b_s) masked to s <= t, computes
//
//   U   = V,  or for the delta rules  U = X_V - X_K S0  where
//         (I + L) [X_K | X_V] = beta [K exp(b) | V],  L = beta tril(K K^T o D,
//         -1) is solved by forward substitution over the chunk's rows
//   O_c = exp(b) Q S0 + tril(Q K^T o D) U
//   S   = exp(b_last) S0 + (K exp(b_last - b))^T U
//
// as linalg contractions and elementwise ops on [B, H, C, *] tensors.
// attic.chunked_linear_attention is that recurrence, scaled at the end.
// attic.linearized_attention applies the feature map to Q and K, appends a
// column of ones to V (its output column is the normalizer) and runs the
// recurrence with the linear rule when causal, or sums phi(K)^T [V, 1]
// over key chunks once when not; the result is the numerator over the
// normalizer.
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

#include <algorithm>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::reference;

namespace {

using utils::IteratorType;
constexpr IteratorType kPar = IteratorType::parallel;
constexpr IteratorType kRed = IteratorType::reduction;

ArrayRef<int64_t> shapeOf(Value tensor) {
  return cast<RankedTensorType>(tensor.getType()).getShape();
}

/// A tensor of static `shape` and `type` filled with `value`.
Value filled(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Type type,
             double value) {
  return filledTensor(b, loc, getAsIndexOpFoldResult(b.getContext(), shape),
                      type, value);
}

/// The slice [offset, offset + size) of `tensor` along axis `axis`.
Value sliceAxis(OpBuilder &b, Location loc, Value tensor, int64_t axis,
                OpFoldResult offset, int64_t size) {
  ArrayRef<int64_t> shape = shapeOf(tensor);
  SmallVector<OpFoldResult> offsets(shape.size(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes =
      getAsIndexOpFoldResult(b.getContext(), shape);
  SmallVector<OpFoldResult> strides(shape.size(), b.getIndexAttr(1));
  offsets[axis] = offset;
  sizes[axis] = b.getIndexAttr(size);
  return tensor::ExtractSliceOp::create(b, loc, tensor, offsets, sizes,
                                        strides);
}

/// Inserts `slice` into `dest` at `offset` along axis `axis`.
Value insertAxis(OpBuilder &b, Location loc, Value slice, Value dest,
                 int64_t axis, OpFoldResult offset) {
  ArrayRef<int64_t> shape = shapeOf(slice);
  SmallVector<OpFoldResult> offsets(shape.size(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> strides(shape.size(), b.getIndexAttr(1));
  offsets[axis] = offset;
  return tensor::InsertSliceOp::create(
      b, loc, slice, dest, offsets,
      getAsIndexOpFoldResult(b.getContext(), shape), strides);
}

/// `tensor` with `before` zeros prepended and `after` appended along axis 2
/// (the sequence).
Value padSequence(OpBuilder &b, Location loc, Value tensor, int64_t before,
                  int64_t after) {
  if (before == 0 && after == 0)
    return tensor;
  SmallVector<int64_t> shape(shapeOf(tensor));
  shape[2] += before + after;
  Type elt = cast<RankedTensorType>(tensor.getType()).getElementType();
  return insertAxis(b, loc, tensor, filled(b, loc, shape, elt, 0.0), 2,
                    b.getIndexAttr(before));
}

/// init -/+ sum(lhs * rhs) over the reduction loops.
Value multiplyAccumulate(OpBuilder &b, Location loc, Value lhs, Value rhs,
                         Value init, ArrayRef<AffineMap> maps,
                         ArrayRef<IteratorType> iterators,
                         bool subtract = false) {
  if (!subtract)
    return contract(b, loc, lhs, rhs, init, maps, iterators);
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{lhs, rhs}, init, maps,
             iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value prod = arith::MulFOp::create(nb, l, args[0], args[1]);
               linalg::YieldOp::create(
                   nb, l, Value(arith::SubFOp::create(nb, l, args[2], prod)));
             })
      .getResult(0);
}

/// The [C, C] lower triangle of ones (s <= t, or s < t when `strict`) and
/// zeros above, in `type`.
Value triangle(OpBuilder &b, Location loc, int64_t c, Type type, bool strict) {
  Value init = filled(b, loc, {c, c}, type, 0.0);
  return parallelGeneric(
      b, loc, ValueRange{}, init, {b.getMultiDimIdentityMap(2)},
      [&](OpBuilder &nb, Location l, ValueRange) {
        Value t = linalg::IndexOp::create(nb, l, 0);
        Value s = linalg::IndexOp::create(nb, l, 1);
        Value below = arith::CmpIOp::create(nb, l,
                                            strict ? arith::CmpIPredicate::ult
                                                   : arith::CmpIPredicate::ule,
                                            s, t);
        linalg::YieldOp::create(
            nb, l,
            Value(arith::SelectOp::create(nb, l, below, constF(nb, l, type, 1),
                                          constF(nb, l, type, 0))));
      });
}

/// The inputs of the chunked recurrence, in the accumulator type, with the
/// sequence (axis 2) a multiple of `chunk`.
struct Recurrence {
  Value query; // [B, Hq, T, Dk]
  Value key;   // [B, Hkv, T, Dk]
  Value value; // [B, Hkv, T, Dv]
  Value state; // [B, Hkv, Dk, Dv], the state before the first step
  Value decay; // [B, Hkv, T] or [B, Hkv, T, Dk] (log space), or null
  Value beta;  // [B, Hkv, T] or [B, 1, T], or null (no delta rule)
  int64_t chunk;
};

/// Builds the chunk loop; returns the unscaled output [B, Hq, T, Dv] and the
/// final state.
class ChunkBuilder {
public:
  ChunkBuilder(OpBuilder &b, Location loc, const Recurrence &r)
      : b(b), loc(loc), r(r), ctx(b.getContext()) {
    ArrayRef<int64_t> q = shapeOf(r.query), k = shapeOf(r.key),
                      v = shapeOf(r.value);
    batch = q[0];
    hq = q[1];
    length = q[2];
    dk = q[3];
    hkv = k[1];
    dv = v[3];
    group = hq / hkv;
    acc = cast<RankedTensorType>(r.query.getType()).getElementType();
    perKeyDecay = r.decay && shapeOf(r.decay).size() == 4;
    sharedBeta = r.beta && shapeOf(r.beta)[1] == 1;
  }

  std::pair<Value, Value> build() {
    int64_t c = r.chunk;
    inclusive = triangle(b, loc, c, acc, /*strict=*/false);
    if (r.beta)
      strict = triangle(b, loc, c, acc, /*strict=*/true);
    Value out = tensor::EmptyOp::create(
        b, loc, ArrayRef<int64_t>{batch, hq, length, dv}, acc);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value end = arith::ConstantIndexOp::create(b, loc, length);
    Value step = arith::ConstantIndexOp::create(b, loc, c);
    auto loop = scf::ForOp::create(
        b, loc, zero, end, step, ValueRange{r.state, out},
        [&](OpBuilder &nb, Location l, Value t0, ValueRange carried) {
          ChunkBuilder inner(nb, l, r);
          inner.inclusive = inclusive;
          inner.strict = strict;
          auto [o, s] = inner.chunk(t0, carried[0]);
          Value newOut = insertAxis(nb, l, o, carried[1], 2, t0);
          scf::YieldOp::create(nb, l, ValueRange{s, newOut});
        });
    return {loop.getResult(1), loop.getResult(0)};
  }

private:
  AffineMap map(unsigned dims, ArrayRef<AffineExpr> exprs) {
    return AffineMap::get(dims, 0, exprs, ctx);
  }
  AffineExpr dim(unsigned i) { return getAffineDimExpr(i, ctx); }
  AffineExpr cst(int64_t v) { return getAffineConstantExpr(v, ctx); }

  /// The cumulative decay's map for a tensor indexed (b, h, t, x) with the
  /// decay's head expression `head`.
  AffineMap decayMap(unsigned dims, AffineExpr head, AffineExpr t,
                     AffineExpr x) {
    if (perKeyDecay)
      return map(dims, {dim(0), head, t, x});
    return map(dims, {dim(0), head, t});
  }

  /// x * exp(sign * cumulative decay [+ last]) elementwise over x [B, H, C, X]
  /// whose decay head is `head`.
  Value decayed(Value x, Value cum, AffineExpr head, Value last = nullptr) {
    SmallVector<Value> inputs = {x, cum};
    SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(4),
                                   decayMap(4, head, dim(2), dim(3))};
    if (last) {
      inputs.push_back(last);
      maps.push_back(decayMap(4, head, cst(0), dim(3)));
    }
    maps.push_back(b.getMultiDimIdentityMap(4));
    Value init = tensor::EmptyOp::create(b, loc, shapeOf(x), acc);
    return parallelGeneric(
        b, loc, inputs, init, maps,
        [&](OpBuilder &nb, Location l, ValueRange args) {
          // last - b_t, or b_t.
          Value exponent = args[1];
          if (last)
            exponent = arith::SubFOp::create(nb, l, args[2], args[1]);
          Value f = math::ExpOp::create(nb, l, exponent);
          linalg::YieldOp::create(
              nb, l, Value(arith::MulFOp::create(nb, l, args[0], f)));
        });
  }

  /// G[b, h, t, s] = sum_d x[b, h, t, d] y[b, h', s, d] D[t, s] for s <= t
  /// (s < t with `triangle` the strict one), 0 above; h' = h / g when x
  /// has the query heads. D is 1 without decay.
  Value gram(Value x, Value y, Value cum, bool queryHeads, Value tri) {
    int64_t heads = shapeOf(x)[1], c = r.chunk;
    AffineExpr yHead = queryHeads ? dim(1).floorDiv(group) : dim(1);
    // Dims (b, h, t, s, d).
    AffineMap xMap = map(5, {dim(0), dim(1), dim(2), dim(4)});
    AffineMap yMap = map(5, {dim(0), yHead, dim(3), dim(4)});
    AffineMap outMap = map(5, {dim(0), dim(1), dim(2), dim(3)});
    AffineMap triMap = map(5, {dim(2), dim(3)});
    Value init = filled(b, loc, {batch, heads, c, c}, acc, 0.0);
    SmallVector<IteratorType> iterators = {kPar, kPar, kPar, kPar, kRed};
    auto visible = [&](OpBuilder &nb, Location l, Value t) {
      return arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT, t,
                                   constF(nb, l, acc, 0.5));
    };
    if (perKeyDecay && cum) {
      // The decay differs per d: it goes inside the contraction.
      return linalg::GenericOp::create(
                 b, loc, init.getType(), ValueRange{x, y, cum, cum, tri}, init,
                 {xMap, yMap, map(5, {dim(0), yHead, dim(2), dim(4)}),
                  map(5, {dim(0), yHead, dim(3), dim(4)}), triMap, outMap},
                 iterators,
                 [&](OpBuilder &nb, Location l, ValueRange args) {
                   Value prod = arith::MulFOp::create(nb, l, args[0], args[1]);
                   Value f = math::ExpOp::create(
                       nb, l, arith::SubFOp::create(nb, l, args[2], args[3]));
                   Value term = arith::SelectOp::create(
                       nb, l, visible(nb, l, args[4]),
                       arith::MulFOp::create(nb, l, prod, f),
                       constF(nb, l, acc, 0.0));
                   linalg::YieldOp::create(
                       nb, l,
                       Value(arith::AddFOp::create(nb, l, args[5], term)));
                 })
          .getResult(0);
    }
    Value g =
        multiplyAccumulate(b, loc, x, y, init, {xMap, yMap, outMap}, iterators);
    // Mask (and decay) elementwise over (b, h, t, s).
    SmallVector<Value> inputs = {g, tri};
    SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(4),
                                   map(4, {dim(2), dim(3)})};
    AffineExpr head4 = queryHeads ? dim(1).floorDiv(group) : dim(1);
    if (cum) {
      inputs.append({cum, cum});
      maps.push_back(map(4, {dim(0), head4, dim(2)}));
      maps.push_back(map(4, {dim(0), head4, dim(3)}));
    }
    maps.push_back(b.getMultiDimIdentityMap(4));
    return parallelGeneric(
        b, loc, inputs, tensor::EmptyOp::create(b, loc, shapeOf(g), acc), maps,
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value value = args[0];
          if (cum) {
            Value f = math::ExpOp::create(
                nb, l, arith::SubFOp::create(nb, l, args[2], args[3]));
            value = arith::MulFOp::create(nb, l, value, f);
          }
          linalg::YieldOp::create(
              nb, l,
              Value(arith::SelectOp::create(nb, l, visible(nb, l, args[1]),
                                            value, constF(nb, l, acc, 0.0))));
        });
  }

  /// The delta rules' written values U = X_V - X_K S0, where
  /// (I + L) [X_K | X_V] = beta [kg | v] with L = beta tril(K K^T o D, -1).
  Value deltaValues(Value k, Value kg, Value v, Value beta, Value cum,
                    Value s0) {
    int64_t c = r.chunk;
    AffineExpr betaHead = sharedBeta ? cst(0) : dim(1);
    AffineMap id4 = b.getMultiDimIdentityMap(4);
    AffineMap betaRow = map(4, {dim(0), betaHead, dim(2)});
    auto scaleRows = [&](Value x) {
      Value init = tensor::EmptyOp::create(b, loc, shapeOf(x), acc);
      return parallelGeneric(
          b, loc, ValueRange{x, beta}, init, {id4, betaRow, id4},
          [&](OpBuilder &nb, Location l, ValueRange args) {
            linalg::YieldOp::create(
                nb, l, Value(arith::MulFOp::create(nb, l, args[0], args[1])));
          });
    };
    Value l = scaleRows(gram(k, k, cum, /*queryHeads=*/false, strict));
    Value x = tensor::EmptyOp::create(
        b, loc, ArrayRef<int64_t>{batch, hkv, c, dk + dv}, acc);
    x = insertAxis(b, loc, scaleRows(kg), x, 3, b.getIndexAttr(0));
    x = insertAxis(b, loc, scaleRows(v), x, 3, b.getIndexAttr(dk));

    // Row t -= sum_{s < t} L[t, s] row s, for t = 1 .. C-1.
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    Value end = arith::ConstantIndexOp::create(b, loc, c);
    auto loop = scf::ForOp::create(
        b, loc, one, end, one, ValueRange{x},
        [&](OpBuilder &nb, Location nl, Value t, ValueRange carried) {
          Value lRow = sliceAxis(nb, nl, l, 2, t, 1);
          Value row = sliceAxis(nb, nl, carried[0], 2, t, 1);
          // Dims (b, h, 0, x, s).
          Value updated = multiplyAccumulate(
              nb, nl, lRow, carried[0], row,
              {map(5, {dim(0), dim(1), dim(2), dim(4)}),
               map(5, {dim(0), dim(1), dim(4), dim(3)}),
               map(5, {dim(0), dim(1), dim(2), dim(3)})},
              {kPar, kPar, kPar, kPar, kRed}, /*subtract=*/true);
          scf::YieldOp::create(
              nb, nl,
              insertAxis(nb, nl, updated, carried[0], 2, OpFoldResult(t)));
        });
    x = loop.getResult(0);
    Value xk = sliceAxis(b, loc, x, 3, b.getIndexAttr(0), dk);
    Value xv = sliceAxis(b, loc, x, 3, b.getIndexAttr(dk), dv);
    // U = X_V - X_K S0; dims (b, h, t, e, d).
    return multiplyAccumulate(b, loc, xk, s0, xv,
                              {map(5, {dim(0), dim(1), dim(2), dim(4)}),
                               map(5, {dim(0), dim(1), dim(4), dim(3)}),
                               map(5, {dim(0), dim(1), dim(2), dim(3)})},
                              {kPar, kPar, kPar, kPar, kRed},
                              /*subtract=*/true);
  }

  /// One chunk starting at `t0` with the state `s0`: its output and the
  /// state after it.
  std::pair<Value, Value> chunk(Value t0, Value s0) {
    int64_t c = r.chunk;
    Value q = sliceAxis(b, loc, r.query, 2, t0, c);
    Value k = sliceAxis(b, loc, r.key, 2, t0, c);
    Value v = sliceAxis(b, loc, r.value, 2, t0, c);
    AffineExpr kvHead = dim(1).floorDiv(group);

    // The cumulative decay b_t = sum_{s <= t} g_s and its last entry.
    Value cum, last;
    if (r.decay) {
      Value g = sliceAxis(b, loc, r.decay, 2, t0, c);
      SmallVector<int64_t> shape(shapeOf(g));
      Value init = filled(b, loc, shape, acc, 0.0);
      if (perKeyDecay) // Dims (b, h, t, d, s).
        cum = multiplyAccumulate(b, loc, inclusive, g, init,
                                 {map(5, {dim(2), dim(4)}),
                                  map(5, {dim(0), dim(1), dim(4), dim(3)}),
                                  map(5, {dim(0), dim(1), dim(2), dim(3)})},
                                 {kPar, kPar, kPar, kPar, kRed});
      else // Dims (b, h, t, s).
        cum = multiplyAccumulate(b, loc, inclusive, g, init,
                                 {map(4, {dim(2), dim(3)}),
                                  map(4, {dim(0), dim(1), dim(3)}),
                                  map(4, {dim(0), dim(1), dim(2)})},
                                 {kPar, kPar, kPar, kRed});
      last = sliceAxis(b, loc, cum, 2, b.getIndexAttr(c - 1), 1);
    }

    // The values the steps write.
    Value u = v;
    if (r.beta) {
      Value kg = cum ? decayed(k, cum, dim(1)) : k;
      Value beta = sliceAxis(b, loc, r.beta, 2, t0, c);
      u = deltaValues(k, kg, v, beta, cum, s0);
    }

    // O = exp(b) Q S0 + tril(Q K^T o D) U; dims (b, h, t, e, d).
    Value qg = cum ? decayed(q, cum, kvHead) : q;
    SmallVector<IteratorType> iterators = {kPar, kPar, kPar, kPar, kRed};
    AffineMap rowMap = map(5, {dim(0), dim(1), dim(2), dim(4)});
    AffineMap kvColMap = map(5, {dim(0), kvHead, dim(4), dim(3)});
    AffineMap outMap = map(5, {dim(0), dim(1), dim(2), dim(3)});
    Value o = filled(b, loc, {batch, hq, c, dv}, acc, 0.0);
    o = multiplyAccumulate(b, loc, qg, s0, o, {rowMap, kvColMap, outMap},
                           iterators);
    Value p = gram(q, k, cum, /*queryHeads=*/true, inclusive);
    o = multiplyAccumulate(b, loc, p, u, o, {rowMap, kvColMap, outMap},
                           iterators);

    // S = exp(b_last) S0 + (K exp(b_last - b))^T U; dims (b, h, d, e, t).
    Value state = s0;
    Value kEnd = k;
    if (cum) {
      AffineMap id4 = b.getMultiDimIdentityMap(4);
      state = parallelGeneric(
          b, loc, ValueRange{s0, last},
          tensor::EmptyOp::create(b, loc, shapeOf(s0), acc),
          {id4, decayMap(4, dim(1), cst(0), dim(2)), id4},
          [&](OpBuilder &nb, Location l, ValueRange args) {
            Value f = math::ExpOp::create(nb, l, args[1]);
            linalg::YieldOp::create(
                nb, l, Value(arith::MulFOp::create(nb, l, args[0], f)));
          });
      kEnd = decayed(k, cum, dim(1), last);
    }
    state = multiplyAccumulate(b, loc, kEnd, u, state,
                               {map(5, {dim(0), dim(1), dim(4), dim(2)}),
                                map(5, {dim(0), dim(1), dim(4), dim(3)}),
                                map(5, {dim(0), dim(1), dim(2), dim(3)})},
                               iterators);
    return {o, state};
  }

  OpBuilder &b;
  Location loc;
  const Recurrence &r;
  MLIRContext *ctx;
  int64_t batch, hq, hkv, length, dk, dv, group;
  Type acc;
  bool perKeyDecay, sharedBeta;
  Value inclusive, strict;
};

/// The chunk a sequence of `length` steps uses: `chunk`, or the whole
/// sequence when shorter.
int64_t effectiveChunk(int64_t chunk, int64_t length) {
  return std::max<int64_t>(1, std::min(chunk, length));
}

/// Runs the recurrence on `r` whose tensors have `length` steps, padding
/// them to a multiple of the chunk; returns the unpadded output and the
/// final state.
std::pair<Value, Value> buildPaddedRecurrence(OpBuilder &b, Location loc,
                                              Recurrence r, int64_t length) {
  r.chunk = effectiveChunk(r.chunk, length);
  int64_t padded = llvm::divideCeil(length, r.chunk) * r.chunk;
  int64_t extra = padded - length;
  // Padding steps change nothing: zero keys and values write nothing, zero
  // log decay keeps the state, zero beta makes the delta update vanish.
  for (Value *x : {&r.query, &r.key, &r.value, &r.decay, &r.beta})
    if (*x)
      *x = padSequence(b, loc, *x, 0, extra);
  auto [out, state] = ChunkBuilder(b, loc, r).build();
  if (extra)
    out = sliceAxis(b, loc, out, 2, b.getIndexAttr(0), length);
  return {out, state};
}

/// `tensor` with its elements in `type`.
Value toType(OpBuilder &b, Location loc, Value tensor, Type type) {
  auto t = cast<RankedTensorType>(tensor.getType());
  return castTensor(b, loc, tensor, t.clone(type));
}

/// out = scale * x, in `type`.
Value scaled(OpBuilder &b, Location loc, Value x, double scale, Type type) {
  AffineMap id = b.getMultiDimIdentityMap(shapeOf(x).size());
  return parallelGeneric(
      b, loc, x, tensor::EmptyOp::create(b, loc, shapeOf(x), type), {id, id},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value y = args[0];
        if (scale != 1.0)
          y = arith::MulFOp::create(nb, l, y,
                                    constF(nb, l, y.getType(), scale));
        linalg::YieldOp::create(nb, l, castFloat(nb, l, y, type));
      });
}

struct LowerChunkedLinearAttention final
    : OpRewritePattern<ChunkedLinearAttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ChunkedLinearAttentionOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type elt = op.getQuery().getType().getElementType();
    FloatType acc = accumulatorType(elt);
    auto wide = [&](Value x) {
      return x ? toType(rewriter, loc, x, acc) : Value();
    };
    Recurrence r;
    r.query = wide(op.getQuery());
    r.key = wide(op.getKey());
    r.value = wide(op.getValue());
    r.decay = wide(op.getDecay());
    r.beta = wide(op.getBeta());
    r.chunk = op.getChunkSize();
    ArrayRef<int64_t> stateShape = op.getPresentState().getType().getShape();
    r.state = op.getPastState() ? wide(op.getPastState())
                                : filled(rewriter, loc, stateShape, acc, 0.0);
    int64_t length = op.getQuery().getType().getDimSize(2);
    auto [out, state] = buildPaddedRecurrence(rewriter, loc, r, length);
    rewriter.replaceOp(
        op, {scaled(rewriter, loc, out, *op.getEffectiveScale(), elt),
             toType(rewriter, loc, state, elt)});
    return success();
  }
};

struct LowerLinearizedAttention final
    : OpRewritePattern<LinearizedAttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LinearizedAttentionOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type elt = op.getQuery().getType().getElementType();
    FloatType acc = accumulatorType(elt);
    AttentionKernel kernel = op.getKernel();
    ArrayRef<int64_t> qShape = op.getQuery().getType().getShape(),
                      kShape = op.getKey().getType().getShape(),
                      vShape = op.getValue().getType().getShape();
    int64_t batch = qShape[0], hq = qShape[1], sq = qShape[2], d = qShape[3],
            hkv = kShape[1], skv = kShape[2], dv = vShape[3];
    int64_t group = hq / hkv;
    AffineMap id4 = rewriter.getMultiDimIdentityMap(4);
    auto map = [&](unsigned dims, ArrayRef<AffineExpr> exprs) {
      return AffineMap::get(dims, 0, exprs, ctx);
    };
    auto dim = [&](unsigned i) { return getAffineDimExpr(i, ctx); };

    // phi(Q).
    Value phiQ = parallelGeneric(
        rewriter, loc, op.getQuery(),
        tensor::EmptyOp::create(rewriter, loc, qShape, acc), {id4, id4},
        [&](OpBuilder &nb, Location l, ValueRange args) {
          linalg::YieldOp::create(
              nb, l, featureMap(nb, l, kernel, castFloat(nb, l, args[0], acc)));
        });

    // phi(K), zero for keys the mask or kv_lengths hide.
    SmallVector<Value> inputs = {op.getKey()};
    SmallVector<AffineMap> maps = {id4};
    Value mask = op.getMask(), lengths = op.getKvLengths();
    if (mask) {
      auto type = cast<RankedTensorType>(mask.getType());
      int64_t rank = type.getRank();
      SmallVector<AffineExpr> exprs;
      for (int64_t m = 0; m < rank; ++m) {
        int64_t t = 4 - rank + m;
        bool broadcast = type.getDimSize(m) == 1 || t == 1 || t == 2;
        exprs.push_back(broadcast ? getAffineConstantExpr(0, ctx)
                                  : dim(t == 0 ? 0 : 2));
      }
      inputs.push_back(mask);
      maps.push_back(map(4, exprs));
    }
    if (lengths) {
      inputs.push_back(lengths);
      maps.push_back(map(4, {dim(0)}));
    }
    maps.push_back(id4);
    Value phiK = parallelGeneric(
        rewriter, loc, inputs,
        tensor::EmptyOp::create(rewriter, loc, kShape, acc), maps,
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value phi = featureMap(nb, l, kernel, castFloat(nb, l, args[0], acc));
          Value keep = arith::ConstantOp::create(nb, l, nb.getBoolAttr(true));
          unsigned next = 1;
          if (mask)
            keep = args[next++];
          if (lengths) {
            Value j = toI64(nb, l, linalg::IndexOp::create(nb, l, 2));
            Value inside =
                arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, j,
                                      toI64(nb, l, args[next++]));
            keep = arith::AndIOp::create(nb, l, keep, inside);
          }
          linalg::YieldOp::create(
              nb, l,
              Value(arith::SelectOp::create(nb, l, keep, phi,
                                            constF(nb, l, acc, 0.0))));
        });

    // [V, 1]: the last column's output is the normalizer.
    Value v1 =
        insertAxis(rewriter, loc, toType(rewriter, loc, op.getValue(), acc),
                   filled(rewriter, loc, {batch, hkv, skv, dv + 1}, acc, 1.0),
                   3, rewriter.getIndexAttr(0));

    // S = phi(K)^T [V, 1] over the keys [from, to); dims (b, h, d, e, j).
    // S = phi(K)^T [V, 1] over the keys [from, to), accumulated chunk by
    // chunk (a contraction over all keys at once reads phi(K) with a stride
    // of D and falls out of cache); dims (b, h, d, e, j).
    auto stateOf = [&](int64_t from, int64_t to) {
      Value init = filled(rewriter, loc, {batch, hkv, d, dv + 1}, acc, 0.0);
      if (from == to)
        return init;
      int64_t c = effectiveChunk(op.getChunkSize(), to - from);
      int64_t extra = llvm::divideCeil(to - from, c) * c - (to - from);
      Value k = padSequence(rewriter, loc,
                            sliceAxis(rewriter, loc, phiK, 2,
                                      rewriter.getIndexAttr(from), to - from),
                            0, extra);
      Value v = padSequence(rewriter, loc,
                            sliceAxis(rewriter, loc, v1, 2,
                                      rewriter.getIndexAttr(from), to - from),
                            0, extra);
      Value lb = arith::ConstantIndexOp::create(rewriter, loc, 0);
      Value ub =
          arith::ConstantIndexOp::create(rewriter, loc, to - from + extra);
      Value step = arith::ConstantIndexOp::create(rewriter, loc, c);
      auto loop = scf::ForOp::create(
          rewriter, loc, lb, ub, step, ValueRange{init},
          [&](OpBuilder &nb, Location l, Value j0, ValueRange carried) {
            Value state =
                multiplyAccumulate(nb, l, sliceAxis(nb, l, k, 2, j0, c),
                                   sliceAxis(nb, l, v, 2, j0, c), carried[0],
                                   {map(5, {dim(0), dim(1), dim(4), dim(2)}),
                                    map(5, {dim(0), dim(1), dim(4), dim(3)}),
                                    map(5, {dim(0), dim(1), dim(2), dim(3)})},
                                   {kPar, kPar, kPar, kPar, kRed});
            scf::YieldOp::create(nb, l, state);
          });
      return loop.getResult(0);
    };

    Value out;
    if (!op.getCausal()) {
      // O = phi(Q) S; dims (b, h, i, e, d).
      Value state = stateOf(0, skv);
      out = multiplyAccumulate(
          rewriter, loc, phiQ, state,
          filled(rewriter, loc, {batch, hq, sq, dv + 1}, acc, 0.0),
          {map(5, {dim(0), dim(1), dim(2), dim(4)}),
           map(5, {dim(0), dim(1).floorDiv(group), dim(4), dim(3)}),
           map(5, {dim(0), dim(1), dim(2), dim(3)})},
          {kPar, kPar, kPar, kPar, kRed});
    } else {
      // Query i sees keys j <= i + off. The first off keys (off > 0) are
      // seen by all and start the state; with off < 0 the first -off
      // queries see none, which -off zero keys in front express.
      int64_t off = skv - sq;
      int64_t prefix = std::max<int64_t>(off, 0);
      Recurrence r;
      r.query = phiQ;
      r.key =
          padSequence(rewriter, loc,
                      sliceAxis(rewriter, loc, phiK, 2,
                                rewriter.getIndexAttr(prefix), skv - prefix),
                      std::max<int64_t>(-off, 0), 0);
      r.value =
          padSequence(rewriter, loc,
                      sliceAxis(rewriter, loc, v1, 2,
                                rewriter.getIndexAttr(prefix), skv - prefix),
                      std::max<int64_t>(-off, 0), 0);
      r.state = stateOf(0, prefix);
      r.chunk = op.getChunkSize();
      out = buildPaddedRecurrence(rewriter, loc, r, sq).first;
    }

    // Numerator over normalizer (0 where the normalizer is 0).
    Value result = parallelGeneric(
        rewriter, loc,
        ValueRange{
            sliceAxis(rewriter, loc, out, 3, rewriter.getIndexAttr(0), dv),
            out},
        tensor::EmptyOp::create(rewriter, loc,
                                ArrayRef<int64_t>{batch, hq, sq, dv}, elt),
        {id4, map(4, {dim(0), dim(1), dim(2), getAffineConstantExpr(dv, ctx)}),
         id4},
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value zero = constF(nb, l, acc, 0.0);
          Value empty = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ,
                                              args[1], zero);
          Value quotient = arith::DivFOp::create(nb, l, args[0], args[1]);
          Value o = arith::SelectOp::create(nb, l, empty, zero, quotient);
          linalg::YieldOp::create(nb, l, castFloat(nb, l, o, elt));
        });
    rewriter.replaceOp(op, castTensor(rewriter, loc, result, op.getType()));
    return success();
  }
};

} // namespace

void mlir::attic::populateLinearAttentionLoweringPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerChunkedLinearAttention, LowerLinearizedAttention>(
      patterns.getContext());
}
