//===- NystromAttention.cpp - Lowering of attic.nystrom_attention ---------===//
//
// SOFT's Nystrom approximation of gaussian attention, per batch and query
// head (key/value head h / group), with P(x, y) = exp(-scale |x - y|^2 / 2):
//
//   Q~, K~ = pool(Q), pool(K)              [m, D]   averaged segments
//   A      = P(Q, K~)                      [Sq, m]
//   L      = P(Q~, K~)                     [m, m]
//   C      = P(Q~, K)                      [m, Skv]
//   Z      = pinv(L)  by Z <- 2Z - Z L Z from Z0 = L^T / (|L|_1 |L|_inf)
//   O      = A (Z (C V))
//
// and with symmetric normalization O = D_r^-1/2 A Z C D_c^-1/2 V, the row
// sums r = A (Z (C 1)) and the column sums c = ((1^T A) Z) C. Every tensor
// is at most S x max(m, D, Dv) per head; the m x m inverse is the only
// cubic work, in m.
//
//===----------------------------------------------------------------------===//

#include "codegen/forms/Forms.h"
#include "codegen/reference/Builders.h"
#include "dialects/attic/AtticOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::reference;

namespace {

using utils::IteratorType;
constexpr IteratorType kPar = IteratorType::parallel;
constexpr IteratorType kRed = IteratorType::reduction;

/// The IR of one nystrom_attention op; every tensor is [B, Hq, ...] in the
/// accumulator type unless it is an operand.
class NystromBuilder {
public:
  NystromBuilder(OpBuilder &b, Location loc, NystromAttentionOp op)
      : b(b), loc(loc), ctx(b.getContext()), op(op) {
    RankedTensorType q = op.getQuery().getType(), k = op.getKey().getType(),
                     v = op.getValue().getType();
    batches = q.getDimSize(0);
    heads = q.getDimSize(1);
    group = heads / k.getDimSize(1);
    sq = q.getDimSize(2);
    skv = k.getDimSize(2);
    dv = v.getDimSize(3);
    m = op.getLandmarks();
    acc = accumulatorType(q.getElementType());
    scale = *op.getEffectiveScale();
  }

  Value build() {
    Value q = op.getQuery(), k = op.getKey(), v = op.getValue();
    Value qLand = pool(q, sq), kLand = pool(k, skv);
    Value a = gaussian(q, sq, kLand, /*yShared=*/true);
    Value l = gaussian(qLand, m, kLand, /*yShared=*/true);
    Value c = gaussian(qLand, m, k, /*yShared=*/true);
    Value z = pseudoInverse(l);

    Value rowScale;
    if (op.getSymmetric()) {
      // Column sums c = ((1^T A) Z) C and row sums r = A (Z (C 1)).
      Value colSums = vecMat(vecMat(sumOverRows(a), z, m), c, skv);
      Value rowSums = matVec(a, matVec(z, sumAlongRows(c), m), sq);
      c = scaleColumns(c, rsqrtPositive(colSums));
      rowScale = rsqrtPositive(rowSums);
    }
    // O = A (Z (C V)).
    Value cv = matMul(c, v, m, dv, /*rhsShared=*/true);
    Value zcv = matMul(z, cv, m, dv, /*rhsShared=*/false);
    Value out = matMul(a, zcv, sq, dv, /*rhsShared=*/false);
    return finish(out, rowScale);
  }

private:
  AffineMap map(unsigned dims, ArrayRef<AffineExpr> exprs) {
    return AffineMap::get(dims, 0, exprs, ctx);
  }
  SmallVector<OpFoldResult> sizes(ArrayRef<int64_t> dims) {
    SmallVector<OpFoldResult> out;
    for (int64_t d : dims)
      out.push_back(b.getIndexAttr(d));
    return out;
  }
  Value zeros(ArrayRef<int64_t> dims) {
    return filledTensor(b, loc, sizes(dims), acc, 0.0);
  }
  /// The key/value head of query head `h` when `shared`, else `h`.
  AffineExpr head(AffineExpr h, bool shared) {
    return shared ? h.floorDiv(group) : h;
  }

  /// The averages of m consecutive segments of the rows of x [B, H', n, D]:
  /// a pooling matrix [m, n] (segment l spans [floor(l n / m),
  /// ceil((l + 1) n / m))) contracted with x.
  Value pool(Value x, int64_t n) {
    auto type = cast<RankedTensorType>(x.getType());
    int64_t h = type.getDimSize(1), d = type.getDimSize(3);
    Value weights = parallelGeneric(
        b, loc, ValueRange{}, emptyTensor(b, loc, sizes({m, n}), acc),
        {map(2, {b.getAffineDimExpr(0), b.getAffineDimExpr(1)})},
        [&](OpBuilder &nb, Location l, ValueRange) {
          IndexMath ix{nb, l};
          Value seg = linalg::IndexOp::create(nb, l, 0);
          Value row = linalg::IndexOp::create(nb, l, 1);
          Value start =
              ix.div(arith::MulIOp::create(nb, l, seg, ix.c(n)), ix.c(m));
          Value end = ix.div(ix.add(arith::MulIOp::create(
                                        nb, l, ix.add(seg, ix.c(1)), ix.c(n)),
                                    ix.c(m - 1)),
                             ix.c(m));
          Value inside = arith::AndIOp::create(
              nb, l,
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, row,
                                    start),
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, row,
                                    end));
          Value count = arith::SIToFPOp::create(
              nb, l, acc, toI64(nb, l, ix.sub(end, start)));
          Value w =
              arith::DivFOp::create(nb, l, constF(nb, l, acc, 1.0), count);
          linalg::YieldOp::create(
              nb, l,
              Value(arith::SelectOp::create(nb, l, inside, w,
                                            constF(nb, l, acc, 0.0))));
        });
    // Dims (b, h, l, s, d): s reduced, d innermost.
    AffineExpr bd, hd, ld, sd, dd;
    bindDims(ctx, bd, hd, ld, sd, dd);
    return contract(
        b, loc, weights, x, zeros({batches, h, m, d}),
        {map(5, {ld, sd}), map(5, {bd, hd, sd, dd}), map(5, {bd, hd, ld, dd})},
        {kPar, kPar, kPar, kRed, kPar});
  }

  /// P(x, y) = exp(-scale |x - y|^2 / 2) for x [B, Hq, r, D] and y
  /// [B, H', c, D] (H' = Hkv, read at h / group, when `yShared`; else Hq):
  /// [B, Hq, r, c]. The difference form keeps nearby points accurate.
  Value gaussian(Value x, int64_t r, Value y, bool yShared) {
    auto yType = cast<RankedTensorType>(y.getType());
    int64_t c = yType.getDimSize(2);
    bool shared = yShared && yType.getDimSize(1) != heads;
    AffineExpr bd, hd, id, jd, dd;
    bindDims(ctx, bd, hd, id, jd, dd);
    Value distances =
        linalg::GenericOp::create(
            b, loc, zeros({batches, heads, r, c}).getType(), ValueRange{x, y},
            zeros({batches, heads, r, c}),
            {map(5, {bd, hd, id, dd}), map(5, {bd, head(hd, shared), jd, dd}),
             map(5, {bd, hd, id, jd})},
            {kPar, kPar, kPar, kPar, kRed},
            [&](OpBuilder &nb, Location l, ValueRange args) {
              Value diff =
                  arith::SubFOp::create(nb, l, castFloat(nb, l, args[0], acc),
                                        castFloat(nb, l, args[1], acc));
              Value sq = arith::MulFOp::create(nb, l, diff, diff);
              linalg::YieldOp::create(
                  nb, l, Value(arith::AddFOp::create(nb, l, args[2], sq)));
            })
            .getResult(0);
    AffineMap all = AffineMap::getMultiDimIdentityMap(4, ctx);
    return parallelGeneric(
        b, loc, distances,
        emptyTensor(b, loc, sizes({batches, heads, r, c}), acc), {all, all},
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value e = arith::MulFOp::create(nb, l, args[0],
                                          constF(nb, l, acc, -0.5 * scale));
          linalg::YieldOp::create(nb, l, Value(math::ExpOp::create(nb, l, e)));
        });
  }

  /// lhs [B, Hq, r, k] times rhs [B, H', k, c] (H' read at h / group when
  /// `rhsShared` and it differs from Hq): [B, Hq, r, c].
  Value matMul(Value lhs, Value rhs, int64_t r, int64_t c, bool rhsShared) {
    bool shared = rhsShared &&
                  cast<RankedTensorType>(rhs.getType()).getDimSize(1) != heads;
    // Dims (b, h, i, k, j): k reduced, j innermost.
    AffineExpr bd, hd, id, kd, jd;
    bindDims(ctx, bd, hd, id, kd, jd);
    return contract(b, loc, lhs, rhs, zeros({batches, heads, r, c}),
                    {map(5, {bd, hd, id, kd}),
                     map(5, {bd, head(hd, shared), kd, jd}),
                     map(5, {bd, hd, id, jd})},
                    {kPar, kPar, kPar, kRed, kPar});
  }

  /// vec [B, Hq, k] times mat [B, Hq, k, c]: [B, Hq, c].
  Value vecMat(Value vec, Value mat, int64_t c) {
    AffineExpr bd, hd, kd, jd;
    bindDims(ctx, bd, hd, kd, jd);
    return contract(
        b, loc, vec, mat, zeros({batches, heads, c}),
        {map(4, {bd, hd, kd}), map(4, {bd, hd, kd, jd}), map(4, {bd, hd, jd})},
        {kPar, kPar, kRed, kPar});
  }

  /// mat [B, Hq, r, k] times vec [B, Hq, k]: [B, Hq, r].
  Value matVec(Value mat, Value vec, int64_t r) {
    AffineExpr bd, hd, id, kd;
    bindDims(ctx, bd, hd, id, kd);
    return contract(
        b, loc, mat, vec, zeros({batches, heads, r}),
        {map(4, {bd, hd, id, kd}), map(4, {bd, hd, kd}), map(4, {bd, hd, id})},
        {kPar, kPar, kPar, kRed});
  }

  /// Sums over the rows (dimension 2) of x [B, Hq, r, c]: [B, Hq, c].
  Value sumOverRows(Value x) {
    int64_t c = cast<RankedTensorType>(x.getType()).getDimSize(3);
    return reduce(x, {batches, heads, c}, /*keepRows=*/false, /*abs=*/false);
  }
  /// Sums along the rows (dimension 3) of x [B, Hq, r, c]: [B, Hq, r].
  Value sumAlongRows(Value x) {
    int64_t r = cast<RankedTensorType>(x.getType()).getDimSize(2);
    return reduce(x, {batches, heads, r}, /*keepRows=*/true, /*abs=*/false);
  }

  /// Sums of x [B, Hq, r, c] (of |x| when `abs`) over dimension 3 when
  /// `keepRows`, else over dimension 2.
  Value reduce(Value x, ArrayRef<int64_t> shape, bool keepRows, bool abs) {
    AffineExpr bd, hd, id, jd;
    bindDims(ctx, bd, hd, id, jd);
    return linalg::GenericOp::create(
               b, loc, zeros(shape).getType(), x, zeros(shape),
               {map(4, {bd, hd, id, jd}), map(4, {bd, hd, keepRows ? id : jd})},
               {kPar, kPar, keepRows ? kPar : kRed, keepRows ? kRed : kPar},
               [&](OpBuilder &nb, Location l, ValueRange args) {
                 Value e = args[0];
                 if (abs)
                   e = math::AbsFOp::create(nb, l, e);
                 linalg::YieldOp::create(
                     nb, l, Value(arith::AddFOp::create(nb, l, args[1], e)));
               })
        .getResult(0);
  }

  /// The largest entry of x [B, Hq, n] per head: [B, Hq].
  Value maxPerHead(Value x) {
    AffineExpr bd, hd, id;
    bindDims(ctx, bd, hd, id);
    Value init = zeros({batches, heads});
    return linalg::GenericOp::create(
               b, loc, init.getType(), x, init,
               {map(3, {bd, hd, id}), map(3, {bd, hd})}, {kPar, kPar, kRed},
               [&](OpBuilder &nb, Location l, ValueRange args) {
                 linalg::YieldOp::create(
                     nb, l,
                     Value(arith::MaximumFOp::create(nb, l, args[0], args[1])));
               })
        .getResult(0);
  }

  /// The Moore-Penrose inverse of l [B, Hq, m, m] by Newton-Raphson
  /// (Newton-Schulz) steps from SOFT's initialization.
  Value pseudoInverse(Value l) {
    // |L|_1 (largest column sum of |L|) and |L|_inf (largest row sum).
    Value norm1 = maxPerHead(
        reduce(l, {batches, heads, m}, /*keepRows=*/false, /*abs=*/true));
    Value normInf = maxPerHead(
        reduce(l, {batches, heads, m}, /*keepRows=*/true, /*abs=*/true));
    AffineExpr bd, hd, id, jd;
    bindDims(ctx, bd, hd, id, jd);
    AffineMap all = AffineMap::getMultiDimIdentityMap(4, ctx);
    AffineMap perHead = map(4, {bd, hd});
    // Z0 = L^T / (|L|_1 |L|_inf); a zero matrix (no weight) stays zero.
    Value z0 =
        parallelGeneric(b, loc, ValueRange{l, norm1, normInf},
                        emptyTensor(b, loc, sizes({batches, heads, m, m}), acc),
                        {map(4, {bd, hd, jd, id}), perHead, perHead, all},
                        [&](OpBuilder &nb, Location loc2, ValueRange args) {
                          Value denom =
                              arith::MulFOp::create(nb, loc2, args[1], args[2]);
                          Value zero = constF(nb, loc2, acc, 0.0);
                          Value empty = arith::CmpFOp::create(
                              nb, loc2, arith::CmpFPredicate::OEQ, denom, zero);
                          Value z = arith::SelectOp::create(
                              nb, loc2, empty, zero,
                              arith::DivFOp::create(nb, loc2, args[0], denom));
                          linalg::YieldOp::create(nb, loc2, z);
                        });
    IndexMath ix{b, loc};
    auto loop = scf::ForOp::create(
        b, loc, ix.c(0), ix.c(op.getIterations()), ix.c(1), ValueRange{z0},
        [&](OpBuilder &nb, Location l2, Value, ValueRange iterArgs) {
          NystromBuilder inner(nb, l2, op);
          Value z = iterArgs[0];
          // Z' = 2 Z - Z (L Z).
          Value lz = inner.matMul(l, z, m, m, /*rhsShared=*/false);
          Value zlz = inner.matMul(z, lz, m, m, /*rhsShared=*/false);
          Value next = parallelGeneric(
              nb, l2, ValueRange{z, zlz},
              emptyTensor(nb, l2, inner.sizes({batches, heads, m, m}), acc),
              {all, all, all},
              [&](OpBuilder &bb, Location ll, ValueRange args) {
                Value twice = arith::AddFOp::create(bb, ll, args[0], args[0]);
                linalg::YieldOp::create(
                    bb, ll,
                    Value(arith::SubFOp::create(bb, ll, twice, args[1])));
              });
          scf::YieldOp::create(nb, l2, next);
        });
    return loop.getResult(0);
  }

  /// 1 / sqrt(x) for positive x, else 0, elementwise over [B, Hq, n].
  Value rsqrtPositive(Value x) {
    AffineMap all = AffineMap::getMultiDimIdentityMap(3, ctx);
    auto type = cast<RankedTensorType>(x.getType());
    return parallelGeneric(
        b, loc, x, emptyTensor(b, loc, sizes(type.getShape()), acc), {all, all},
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value zero = constF(nb, l, acc, 0.0);
          Value positive = arith::CmpFOp::create(
              nb, l, arith::CmpFPredicate::OGT, args[0], zero);
          // rsqrt of a non-positive sum is NaN or inf; select discards it.
          Value r = math::RsqrtOp::create(nb, l, args[0]);
          linalg::YieldOp::create(
              nb, l, Value(arith::SelectOp::create(nb, l, positive, r, zero)));
        });
  }

  /// x [B, Hq, r, c] with column j scaled by s [B, Hq, c].
  Value scaleColumns(Value x, Value s) {
    auto type = cast<RankedTensorType>(x.getType());
    AffineExpr bd, hd, id, jd;
    bindDims(ctx, bd, hd, id, jd);
    AffineMap all = AffineMap::getMultiDimIdentityMap(4, ctx);
    return parallelGeneric(
        b, loc, ValueRange{x, s},
        emptyTensor(b, loc, sizes(type.getShape()), acc),
        {all, map(4, {bd, hd, jd}), all},
        [&](OpBuilder &nb, Location l, ValueRange args) {
          linalg::YieldOp::create(
              nb, l, Value(arith::MulFOp::create(nb, l, args[0], args[1])));
        });
  }

  /// The result: out [B, Hq, Sq, Dv] with row i scaled by rowScale[i]
  /// (when given), cast to the element type.
  Value finish(Value out, Value rowScale) {
    Type elt = op.getType().getElementType();
    AffineExpr bd, hd, id, jd;
    bindDims(ctx, bd, hd, id, jd);
    AffineMap all = AffineMap::getMultiDimIdentityMap(4, ctx);
    SmallVector<Value> inputs = {out};
    SmallVector<AffineMap> maps = {all};
    if (rowScale) {
      inputs.push_back(rowScale);
      maps.push_back(map(4, {bd, hd, id}));
    }
    maps.push_back(all);
    return parallelGeneric(
        b, loc, inputs,
        emptyTensor(b, loc, sizes({batches, heads, sq, dv}), elt), maps,
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value o = args[0];
          if (rowScale)
            o = arith::MulFOp::create(nb, l, o, args[1]);
          linalg::YieldOp::create(nb, l, castFloat(nb, l, o, elt));
        });
  }

  OpBuilder &b;
  Location loc;
  MLIRContext *ctx;
  NystromAttentionOp op;
  int64_t batches, heads, group, sq, skv, dv, m;
  FloatType acc;
  double scale;
};

struct LowerNystromAttention final : OpRewritePattern<NystromAttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(NystromAttentionOp op,
                                PatternRewriter &rewriter) const override {
    Value result = NystromBuilder(rewriter, op.getLoc(), op).build();
    rewriter.replaceOp(op,
                       castTensor(rewriter, op.getLoc(), result, op.getType()));
    return success();
  }
};

} // namespace

void mlir::attic::populateNystromAttentionLoweringPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerNystromAttention>(patterns.getContext());
}
