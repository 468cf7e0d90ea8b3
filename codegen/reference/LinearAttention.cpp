//===- LinearAttention.cpp - Reference lowering of linear_attention -------===//
//
// attic.linear_attention as the plain token-by-token recurrence: an scf.for
// over t carries the state S [B, Hkv, Dk, Dv] (in f32) and the output, and
// each step is a handful of linalg ops on the step's slices:
//   1. S' = exp(g_t) S          (gated rules; per head or per key row)
//   2. r  = S'^T k_t            (delta rules)
//   3. S  = S' + k_t w^T,  w = v_t (linear, gated) or beta_t (v_t - r)
//   4. o_t = S^T q_t            (query head h reads state h / (Hq / Hkv))
// The output is scaled once at the end.
//
//===----------------------------------------------------------------------===//

#include "codegen/reference/Builders.h"
#include "codegen/reference/Reference.h"
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

struct LowerLinearAttention final : OpRewritePattern<LinearAttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LinearAttentionOp op,
                                PatternRewriter &rewriter) const override {
    if (std::optional<StringRef> why = referenceLoweringBlocker(op))
      return rewriter.notifyMatchFailure(op, *why);
    RankedTensorType qType = op.getQuery().getType(),
                     kType = op.getKey().getType();
    int64_t hq = qType.getDimSize(1), hkv = kType.getDimSize(1);
    std::optional<double> scale = op.getEffectiveScale();
    int64_t group = hq / hkv;

    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type elt = qType.getElementType();
    FloatType acc = accumulatorType(elt);
    UpdateRule rule = op.getUpdateRule();
    bool gated = rule == UpdateRule::gated || rule == UpdateRule::gated_delta;
    bool delta = rule == UpdateRule::delta || rule == UpdateRule::gated_delta;
    Value decay = op.getDecay(), beta = op.getBeta();
    bool perKeyDecay =
        decay && cast<RankedTensorType>(decay.getType()).getRank() == 4;
    // beta [B, 1, T] is shared by every head.
    bool sharedBeta =
        beta && cast<RankedTensorType>(beta.getType()).getDimSize(1) == 1;

    SmallVector<OpFoldResult> qSizes = getSizes(rewriter, loc, op.getQuery());
    SmallVector<OpFoldResult> kSizes = getSizes(rewriter, loc, op.getKey());
    SmallVector<OpFoldResult> vSizes = getSizes(rewriter, loc, op.getValue());
    SmallVector<OpFoldResult> stateSizes = {kSizes[0], kSizes[1], kSizes[3],
                                            vSizes[3]};
    SmallVector<OpFoldResult> outSizes = {qSizes[0], qSizes[1], qSizes[2],
                                          vSizes[3]};
    SmallVector<OpFoldResult> stepOutSizes = {
        qSizes[0], qSizes[1], rewriter.getIndexAttr(1), vSizes[3]};
    SmallVector<OpFoldResult> rowSizes = {kSizes[0], kSizes[1], vSizes[3]};

    // Dims (b, h, d, e) over the state.
    AffineExpr b, h, d, e;
    bindDims(ctx, b, h, d, e);
    auto map = [&](ArrayRef<AffineExpr> exprs) {
      return AffineMap::get(4, 0, exprs, ctx);
    };
    AffineMap stateMap = map({b, h, d, e});
    AffineExpr zero = getAffineConstantExpr(0, ctx);
    // Dims (b, h, e, d) of the contractions over the key dimension d, which
    // is innermost and reduced.
    AffineExpr ce = getAffineDimExpr(2, ctx), cd = getAffineDimExpr(3, ctx);
    SmallVector<IteratorType> contraction = {
        IteratorType::parallel, IteratorType::parallel, IteratorType::parallel,
        IteratorType::reduction};
    // out += state * x: the body of both contractions (x may be narrower).
    auto multiplyAccumulate = [&](OpBuilder &bb, Location bl, ValueRange args) {
      Value prod = arith::MulFOp::create(bb, bl, args[0],
                                         castFloat(bb, bl, args[1], acc));
      linalg::YieldOp::create(
          bb, bl, Value(arith::AddFOp::create(bb, bl, args[2], prod)));
    };
    AffineMap id4 = rewriter.getMultiDimIdentityMap(4);

    Value state =
        op.getPastState()
            ? castTensor(rewriter, loc, op.getPastState(),
                         RankedTensorType::get(
                             op.getPastState().getType().getShape(), acc))
            : filledTensor(rewriter, loc, stateSizes, acc, 0.0);
    Value outInit = emptyTensor(rewriter, loc, outSizes, acc);

    Value lb = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value ub = getValueOrCreateConstantIndexOp(rewriter, loc, qSizes[2]);
    Value step = arith::ConstantIndexOp::create(rewriter, loc, 1);
    auto loop = scf::ForOp::create(
        rewriter, loc, lb, ub, step, ValueRange{state, outInit},
        [&](OpBuilder &nb, Location l, Value t, ValueRange carried) {
          Value s = carried[0];
          Value qt = extractUnitSlice(nb, l, op.getQuery(), 2, t);
          Value kt = extractUnitSlice(nb, l, op.getKey(), 2, t);
          Value vt = extractUnitSlice(nb, l, op.getValue(), 2, t);

          // 1. Decay: S' = exp(g_t) S.
          if (gated) {
            Value gt = extractUnitSlice(nb, l, decay, 2, t);
            s = parallelGeneric(
                nb, l, ValueRange{s, gt}, emptyTensor(nb, l, stateSizes, acc),
                {stateMap,
                 perKeyDecay ? map({b, h, zero, d}) : map({b, h, zero}),
                 stateMap},
                [&](OpBuilder &bb, Location bl, ValueRange args) {
                  Value g = math::ExpOp::create(
                      bb, bl, castFloat(bb, bl, args[1], acc));
                  linalg::YieldOp::create(
                      bb, bl, Value(arith::MulFOp::create(bb, bl, args[0], g)));
                });
          }

          // 2. Delta rules: r[b, h, e] = sum_d S'[b, h, d, e] k_t[b, h, d].
          Value r;
          if (delta) {
            Value init = filledTensor(nb, l, rowSizes, acc, 0.0);
            r = linalg::GenericOp::create(
                    nb, l, init.getType(), ValueRange{s, kt}, init,
                    {map({b, h, cd, ce}), map({b, h, zero, cd}),
                     map({b, h, ce})},
                    contraction, multiplyAccumulate)
                    .getResult(0);
          }

          // 3. S = S' + k_t w^T.
          SmallVector<Value> inputs = {s, kt, vt};
          SmallVector<AffineMap> maps = {stateMap, map({b, h, zero, d}),
                                         map({b, h, zero, e})};
          if (delta) {
            inputs.push_back(r);
            maps.push_back(map({b, h, e}));
            inputs.push_back(extractUnitSlice(nb, l, beta, 2, t));
            maps.push_back(map({b, sharedBeta ? zero : h, zero}));
          }
          maps.push_back(stateMap);
          Value updated = parallelGeneric(
              nb, l, inputs, emptyTensor(nb, l, stateSizes, acc), maps,
              [&](OpBuilder &bb, Location bl, ValueRange args) {
                Value k = castFloat(bb, bl, args[1], acc);
                Value w = castFloat(bb, bl, args[2], acc);
                if (delta)
                  w = arith::MulFOp::create(
                      bb, bl, castFloat(bb, bl, args[4], acc),
                      arith::SubFOp::create(bb, bl, w, args[3]));
                Value outer = arith::MulFOp::create(bb, bl, k, w);
                linalg::YieldOp::create(
                    bb, bl,
                    Value(arith::AddFOp::create(bb, bl, args[0], outer)));
              });

          // 4. o_t[b, h, e] = sum_d S[b, h / g, d, e] q_t[b, h, d].
          Value oInit = filledTensor(nb, l, stepOutSizes, acc, 0.0);
          Value ot = linalg::GenericOp::create(
                         nb, l, oInit.getType(), ValueRange{updated, qt}, oInit,
                         {map({b, h.floorDiv(group), cd, ce}),
                          map({b, h, zero, cd}), map({b, h, zero, ce})},
                         contraction, multiplyAccumulate)
                         .getResult(0);
          Value out = insertUnitSlice(nb, l, ot, carried[1], 2, t);
          scf::YieldOp::create(nb, l, ValueRange{updated, out});
        });

    // The scaled output and the final state, in the element type.
    Value output = parallelGeneric(
        rewriter, loc, loop.getResult(1),
        emptyTensor(rewriter, loc, outSizes, elt), {id4, id4},
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value o =
              arith::MulFOp::create(nb, l, args[0], constF(nb, l, acc, *scale));
          linalg::YieldOp::create(nb, l, castFloat(nb, l, o, elt));
        });
    rewriter.replaceOp(
        op, {castTensor(rewriter, loc, output, op.getOutput().getType()),
             castTensor(rewriter, loc, loop.getResult(0),
                        op.getPresentState().getType())});
    return success();
  }
};

} // namespace

void mlir::attic::populateLinearAttentionReferencePatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerLinearAttention>(patterns.getContext());
}
