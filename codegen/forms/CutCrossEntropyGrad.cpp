//===- CutCrossEntropyGrad.cpp - Lowering of attic.cut_cross_entropy_grad -===//
//
// The gradient of linear cross-entropy without the N x V logits. With
// dz = alpha p - beta [c = y] - gamma w_c p_c^e (see LossGradCoefficients;
// e = 0 for cross-entropy) and du = dz (1 - (z / softcap)^2):
//
//   1. the label's logits (a gather), lse (given, or by the forward's
//      blockwise statistics, which also give T = sum_c w_c p_c^e when the
//      kind and label smoothing need it) and the per-token coefficients
//      alpha, beta, gamma
//   2. with sort_vocab, the classes ordered by average logit, largest first
//   3. the blocks: for each block of tokens, for each block of classes,
//        z = h_blk w_blk^T (+ bias, softcap)                 [bn, bv]
//        skip the block if every alpha != 0 row has
//          |alpha / g| exp(z - lse) < eps
//        du = alpha exp(z - lse) (- gamma w_c p_c^e) (1 - (z / c)^2), 0 in
//             the label's column
//        grad_hidden[blk] += du w_blk, grad_classifier[blk] += du^T h_blk,
//        grad_bias[blk] += colsum du
//   4. what the blocks leave out: each token's label column, computed on
//      its own from the label's logit (a gather into grad_hidden and a
//      scatter into grad_classifier and grad_bias), and, for cross-entropy
//      without a softcap, the smoothing term -gamma w_c (rank one).
//
//===----------------------------------------------------------------------===//

#include "codegen/forms/CutCrossEntropy.h"
#include "codegen/forms/Forms.h"
#include "codegen/reference/Builders.h"
#include "codegen/reference/CrossEntropy.h"
#include "dialects/attic/AtticOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::reference;
using namespace mlir::attic::forms;

namespace {

using utils::IteratorType;
constexpr double kNegInf = -std::numeric_limits<double>::infinity();

AffineMap map3(MLIRContext *ctx, unsigned d0, unsigned d1) {
  return AffineMap::get(
      3, 0, {getAffineDimExpr(d0, ctx), getAffineDimExpr(d1, ctx)}, ctx);
}

/// out[r, d] += sum_k lhs(r, k) rhs[k, d] with the summed dimension second,
/// so the innermost loop runs along rows of `rhs` and `out`; `lhsTransposed`
/// reads lhs as [k, r].
Value accumulateProduct(OpBuilder &b, Location loc, Value lhs, Value rhs,
                        Value out, bool lhsTransposed) {
  MLIRContext *ctx = b.getContext();
  return contract(b, loc, lhs, rhs, out,
                  {lhsTransposed ? map3(ctx, 1, 0) : map3(ctx, 0, 1),
                   map3(ctx, 1, 2), map3(ctx, 0, 2)},
                  {IteratorType::parallel, IteratorType::reduction,
                   IteratorType::parallel});
}

/// `out` + the column sums of `du` [rows, cols] -> [cols].
Value accumulateColumnSums(OpBuilder &b, Location loc, Value du, Value out) {
  MLIRContext *ctx = b.getContext();
  return linalg::GenericOp::create(
             b, loc, out.getType(), du, out,
             {AffineMap::get(
                  2, 0, {getAffineDimExpr(1, ctx), getAffineDimExpr(0, ctx)},
                  ctx),
              AffineMap::get(2, 0, getAffineDimExpr(0, ctx))},
             {IteratorType::parallel, IteratorType::reduction},
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(
                   nb, l,
                   Value(arith::AddFOp::create(nb, l, args[1], args[0])));
             })
      .getResult(0);
}

/// Rows `order[i]` of `source` ([V, D] or [V]), as `elementType`.
Value gatherRows(OpBuilder &b, Location loc, Value source, Value order,
                 Type elementType) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(source.getType());
  int64_t rank = type.getRank();
  return parallelGeneric(
      b, loc, order, emptyTensor(b, loc, getSizes(b, loc, source), elementType),
      {AffineMap::get(rank, 0, getAffineDimExpr(0, ctx)),
       b.getMultiDimIdentityMap(rank)},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        SmallVector<Value> indices = {args[0]};
        if (rank == 2)
          indices.push_back(linalg::IndexOp::create(nb, l, 1));
        linalg::YieldOp::create(
            nb, l,
            castFloat(nb, l, tensor::ExtractOp::create(nb, l, source, indices),
                      elementType));
      });
}

/// The permutation [V] (index) that orders `keys` [V] from largest to
/// smallest: a Shell sort with gaps shrinking by 4/9, on tensors.
Value sortDescending(OpBuilder &b, Location loc, Value keys) {
  IndexMath ix{b, loc};
  Value size = ix.dim(keys, 0);
  Type indexType = b.getIndexType();
  Value order = parallelGeneric(
      b, loc, ValueRange{}, emptyTensor(b, loc, {size}, indexType),
      {b.getMultiDimIdentityMap(1)},
      [&](OpBuilder &nb, Location l, ValueRange) {
        linalg::YieldOp::create(nb, l,
                                Value(linalg::IndexOp::create(nb, l, 0)));
      });
  auto nextGap = [](IndexMath &m, Value gap) {
    return m.max(m.div(arith::MulIOp::create(m.b, m.loc, gap, m.c(4)), m.c(9)),
                 m.c(1));
  };
  Value firstGap = nextGap(ix, size);
  Type keysType = keys.getType(), orderType = order.getType();
  auto gaps = scf::WhileOp::create(
      b, loc, TypeRange{indexType, keysType, orderType},
      ValueRange{firstGap, keys, order},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value more = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sgt,
                                           args[0], IndexMath{nb, l}.c(0));
        scf::ConditionOp::create(nb, l, more, args);
      },
      [&](OpBuilder &nb, Location l, ValueRange args) {
        IndexMath gx{nb, l};
        Value gap = args[0];
        // Insertion sort of every gap-strided sequence.
        auto pass = scf::ForOp::create(
            nb, l, gap, size, gx.c(1), ValueRange{args[1], args[2]},
            [&](OpBuilder &fb, Location fl, Value i, ValueRange sorted) {
              Value key = tensor::ExtractOp::create(fb, fl, sorted[0], i);
              Value id = tensor::ExtractOp::create(fb, fl, sorted[1], i);
              auto shift = scf::WhileOp::create(
                  fb, fl, TypeRange{indexType, keysType, orderType},
                  ValueRange{i, sorted[0], sorted[1]},
                  [&](OpBuilder &wb, Location wl, ValueRange state) {
                    IndexMath wx{wb, wl};
                    Value j = state[0];
                    Value inRange = arith::CmpIOp::create(
                        wb, wl, arith::CmpIPredicate::sge, j, gap);
                    Value prevIdx = arith::SelectOp::create(
                        wb, wl, inRange, wx.sub(j, gap), wx.c(0));
                    Value prev =
                        tensor::ExtractOp::create(wb, wl, state[1], prevIdx);
                    Value smaller = arith::CmpFOp::create(
                        wb, wl, arith::CmpFPredicate::OLT, prev, key);
                    scf::ConditionOp::create(
                        wb, wl, arith::AndIOp::create(wb, wl, inRange, smaller),
                        state);
                  },
                  [&](OpBuilder &wb, Location wl, ValueRange state) {
                    IndexMath wx{wb, wl};
                    Value j = state[0], prevIdx = wx.sub(j, gap);
                    Value k = tensor::InsertOp::create(
                        wb, wl,
                        tensor::ExtractOp::create(wb, wl, state[1], prevIdx),
                        state[1], j);
                    Value o = tensor::InsertOp::create(
                        wb, wl,
                        tensor::ExtractOp::create(wb, wl, state[2], prevIdx),
                        state[2], j);
                    scf::YieldOp::create(wb, wl, ValueRange{prevIdx, k, o});
                  });
              Value j = shift.getResult(0);
              Value k =
                  tensor::InsertOp::create(fb, fl, key, shift.getResult(1), j);
              Value o =
                  tensor::InsertOp::create(fb, fl, id, shift.getResult(2), j);
              scf::YieldOp::create(fb, fl, ValueRange{k, o});
            });
        Value isLast = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq,
                                             gap, gx.c(1));
        Value next =
            arith::SelectOp::create(nb, l, isLast, gx.c(0), nextGap(gx, gap));
        scf::YieldOp::create(
            nb, l, ValueRange{next, pass.getResult(0), pass.getResult(1)});
      });
  return gaps.getResult(2);
}

/// The average logit of every class over the tokens, mean_i(h_i) . w_c
/// (+ bias): exact for the logits before the softcap, which orders the
/// classes as the capped ones nearly do.
Value averageLogits(OpBuilder &b, Location loc, Value hidden, Value classifier,
                    Value bias, FloatType acc) {
  MLIRContext *ctx = b.getContext();
  Value tokens = arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                            IndexMath{b, loc}.dim(hidden, 0));
  Value tokensF = arith::SIToFPOp::create(b, loc, acc, tokens);
  Value sums = reduceAxis(b, loc, hidden, 0, {}, {0.0},
                          [](OpBuilder &nb, Location l, Value x, ValueRange,
                             ValueRange accs) -> SmallVector<Value> {
                            return {arith::AddFOp::create(nb, l, accs[0], x)};
                          })[0];
  AffineMap id1 = b.getMultiDimIdentityMap(1);
  Value mean = parallelGeneric(
      b, loc, sums, emptyTensor(b, loc, getSizes(b, loc, sums), acc),
      {id1, id1}, [&](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(
            nb, l, Value(arith::DivFOp::create(nb, l, args[0], tokensF)));
      });
  OpFoldResult classes = getSizes(b, loc, classifier)[0];
  Value init =
      bias ? castTensor(
                 b, loc, bias,
                 RankedTensorType::get(
                     cast<RankedTensorType>(bias.getType()).getShape(), acc))
           : filledTensor(b, loc, {classes}, acc, 0.0);
  return contract(
      b, loc, classifier, mean, init,
      {AffineMap::get(
           2, 0, {getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)}, ctx),
       AffineMap::get(2, 0, getAffineDimExpr(1, ctx)),
       AffineMap::get(2, 0, getAffineDimExpr(0, ctx))},
      {IteratorType::parallel, IteratorType::reduction});
}

} // namespace

LinearLossGradients forms::accumulateBlockGradients(
    OpBuilder &rewriter, Location loc, const LinearLossOperands &in,
    int64_t blockSizeN, int64_t blockSizeV, ValueRange perToken,
    function_ref<Value(OpBuilder &, Location, const GradientBlock &)> logitGrad,
    function_ref<Value(OpBuilder &, Location, const GradientBlock &)>
        keepBlock) {
  IndexMath ix{rewriter, loc};
  Value hidden = in.hidden, classifier = in.classifier, bias = in.bias;
  FloatType acc = accumulatorType(
      cast<RankedTensorType>(hidden.getType()).getElementType());
  Value tokens = ix.dim(hidden, 0), classes = ix.dim(classifier, 0);
  Value blockN = ix.c(blockSizeN), blockV = ix.c(blockSizeV);
  Value zero = ix.c(0);
  SmallVector<OpFoldResult> nd = getSizes(rewriter, loc, hidden);
  SmallVector<OpFoldResult> vd = getSizes(rewriter, loc, classifier);
  SmallVector<Value> inits = {filledTensor(rewriter, loc, nd, acc, 0.0),
                              filledTensor(rewriter, loc, vd, acc, 0.0)};
  if (bias)
    inits.push_back(filledTensor(rewriter, loc, {vd[0]}, acc, 0.0));
  auto tokenLoop = scf::ForOp::create(
      rewriter, loc, zero, tokens, blockN, inits,
      [&](OpBuilder &b, Location l, Value tok, ValueRange grads) {
        IndexMath tx{b, l};
        Value rows = tx.tileSize(blockN, tokens, tok);
        Value hTile = rowsOf(b, l, hidden, tok, rows);
        SmallVector<Value> tiles;
        for (Value v : perToken)
          tiles.push_back(rowsOf(b, l, v, tok, rows));
        SmallVector<Value> classInits = {rowsOf(b, l, grads[0], tok, rows)};
        classInits.append(grads.begin() + 1, grads.end());

        auto classLoop = scf::ForOp::create(
            b, l, zero, classes, blockV, classInits,
            [&](OpBuilder &nb, Location nl, Value cls, ValueRange state) {
              IndexMath cx{nb, nl};
              Value cols = cx.tileSize(blockV, classes, cls);
              Value wTile = rowsOf(nb, nl, classifier, cls, cols);
              GradientBlock blk{
                  tok,
                  rows,
                  cls,
                  cols,
                  linearLogits(nb, nl, hTile, wTile,
                               bias ? rowsOf(nb, nl, bias, cls, cols) : Value(),
                               in.softcap, acc),
                  tiles};
              auto update = [&](OpBuilder &ub, Location ul) {
                Value du = logitGrad(ub, ul, blk);
                SmallVector<Value> next = {accumulateProduct(
                    ub, ul, du, wTile, state[0], /*lhsTransposed=*/false)};
                Value gcTile = rowsOf(ub, ul, state[1], cls, cols);
                gcTile = accumulateProduct(ub, ul, du, hTile, gcTile,
                                           /*lhsTransposed=*/true);
                next.push_back(insertRows(ub, ul, gcTile, state[1], cls, cols));
                if (bias) {
                  Value gbTile = rowsOf(ub, ul, state[2], cls, cols);
                  gbTile = accumulateColumnSums(ub, ul, du, gbTile);
                  next.push_back(
                      insertRows(ub, ul, gbTile, state[2], cls, cols));
                }
                return next;
              };
              if (!keepBlock) {
                scf::YieldOp::create(nb, nl, update(nb, nl));
                return;
              }
              auto ifOp = scf::IfOp::create(
                  nb, nl, keepBlock(nb, nl, blk),
                  [&](OpBuilder &ub, Location ul) {
                    scf::YieldOp::create(ub, ul, update(ub, ul));
                  },
                  [&](OpBuilder &ub, Location ul) {
                    scf::YieldOp::create(ub, ul, state);
                  });
              scf::YieldOp::create(nb, nl, ifOp.getResults());
            });
        SmallVector<Value> results = {
            insertRows(b, l, classLoop.getResult(0), grads[0], tok, rows)};
        results.append(classLoop.getResults().begin() + 1,
                       classLoop.getResults().end());
        scf::YieldOp::create(b, l, results);
      });
  return {tokenLoop.getResult(0), tokenLoop.getResult(1),
          bias ? tokenLoop.getResult(2) : Value()};
}

namespace {

struct LowerCutCrossEntropyGrad final
    : OpRewritePattern<CutCrossEntropyGradOp> {
  LowerCutCrossEntropyGrad(MLIRContext *ctx, CutGradientBlocksFn blocks)
      : OpRewritePattern(ctx), blocks(std::move(blocks)) {}

  CutGradientBlocksFn blocks;

  LogicalResult matchAndRewrite(CutCrossEntropyGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    IndexMath ix{rewriter, loc};
    Value hidden = op.getHidden(), classifier = op.getClassifier(),
          labels = op.getLabels(), bias = op.getBias(),
          weights = op.getWeights();
    FloatType acc = accumulatorType(op.getHidden().getType().getElementType());
    LossAttrs attrs = LossAttrs::get(op);
    std::optional<double> softcap = softcapOf(op);
    bool smoothing = attrs.labelSmoothing != 0.0;
    double e = attrs.exponent;
    // With a softcap, or for a kind other than cross-entropy (whose term
    // is gamma w_c p_c^e), the smoothing term is dense in every block.
    bool smoothInBlocks = smoothing && (softcap || e != 0.0);
    double filterEps = op.getFilterEps().convertToDouble();
    bool filtering = filterEps > 0.0 && !smoothInBlocks;

    Value tokens = ix.dim(hidden, 0), classes = ix.dim(classifier, 0);
    SmallVector<OpFoldResult> nd = getSizes(rewriter, loc, hidden);
    SmallVector<OpFoldResult> vd = getSizes(rewriter, loc, classifier);
    AffineMap id1 = rewriter.getMultiDimIdentityMap(1);
    AffineMap id2 = rewriter.getMultiDimIdentityMap(2);
    AffineMap rowOf2 = AffineMap::get(2, 0, getAffineDimExpr(0, ctx));
    AffineMap colOf2 = AffineMap::get(2, 0, getAffineDimExpr(1, ctx));

    // 1. The label's logits, the lse, T and the coefficients. Blockwise
    // statistics compute the lse when it is not given, and T = sum_c w_c
    // p_c^e for a kind other than cross-entropy with label smoothing.
    LinearLossOperands in{hidden, classifier, labels, bias, weights, softcap};
    Value labelZ = labelLogitsOf(rewriter, loc, in);
    CutStatisticsRequest request;
    if (smoothing && e != 0.0)
      request.powerSumExponent = e;
    CutStatistics stats;
    if (!op.getLse() || request.powerSumExponent)
      stats = buildCutStatistics(rewriter, loc, in, op.getBlockN(),
                                 op.getBlockV(), request);
    Value lse = op.getLse()
                    ? castTensor(rewriter, loc, op.getLse(),
                                 RankedTensorType::get(
                                     op.getLse().getType().getShape(), acc))
                    : stats.lse;
    LossGradCoefficients co = lossGradCoefficients(
        rewriter, loc, labels, weights, attrs, classes, lse, op.getGradLoss(),
        e != 0.0 ? labelZ : Value(), stats.weightedPowerSum);
    // The filter compares the softmax term per unit of the token's share g
    // of the loss gradient, |alpha / g| exp(z - lse), with eps: z against
    // lse - log |alpha / g| + log eps.
    Value filterLse;
    if (filtering)
      filterLse = parallelGeneric(
          rewriter, loc, ValueRange{lse, co.logAlphaScale},
          emptyTensor(rewriter, loc, {nd[0]}, acc), {id1, id1, id1},
          [&](OpBuilder &b, Location l, ValueRange args) {
            linalg::YieldOp::create(
                b, l, Value(arith::SubFOp::create(b, l, args[0], args[1])));
          });

    // 2. The order of the classes in the blocks.
    Value order, inverse, blockClassifier = classifier, blockBias = bias,
                          blockWeights = weights, blockLabels = labels;
    if (op.getSortVocab()) {
      order = sortDescending(
          rewriter, loc,
          averageLogits(rewriter, loc, hidden, classifier, bias, acc));
      auto elementOf = [](Value v) {
        return cast<RankedTensorType>(v.getType()).getElementType();
      };
      blockClassifier =
          gatherRows(rewriter, loc, classifier, order, elementOf(classifier));
      if (bias)
        blockBias = gatherRows(rewriter, loc, bias, order, elementOf(bias));
      if (weights && smoothInBlocks)
        blockWeights =
            gatherRows(rewriter, loc, weights, order, elementOf(weights));
      // inverse[c]: the position of class c in the blocks' order.
      inverse =
          scf::ForOp::create(
              rewriter, loc, ix.c(0), classes, ix.c(1),
              ValueRange{
                  emptyTensor(rewriter, loc, {vd[0]}, rewriter.getIndexType())},
              [&](OpBuilder &b, Location l, Value c, ValueRange state) {
                Value target = tensor::ExtractOp::create(b, l, order, c);
                scf::YieldOp::create(
                    b, l,
                    Value(tensor::InsertOp::create(b, l, c, state[0], target)));
              })
              .getResult(0);
      // The labels as positions in that order, for the blocks.
      blockLabels = parallelGeneric(
          rewriter, loc, labels,
          emptyTensor(rewriter, loc, {nd[0]}, rewriter.getI64Type()),
          {id1, id1}, [&](OpBuilder &b, Location l, ValueRange args) {
            Value y = clampedClass(b, l, args[0], classes);
            linalg::YieldOp::create(
                b, l, toI64(b, l, tensor::ExtractOp::create(b, l, inverse, y)));
          });
    }

    // 3. The blocks.
    Value logEps =
        filtering ? constF(rewriter, loc, acc, std::log(filterEps)) : Value();
    // The per-token values the blocks read, their rows at these positions
    // of GradientBlock::tiles.
    enum { kLse, kLabels, kAlpha };
    SmallVector<Value> perToken = {lse, blockLabels, co.alpha};
    int kGamma = -1, kFilterLse = -1;
    if (smoothInBlocks) {
      kGamma = perToken.size();
      perToken.push_back(co.gamma);
    }
    if (filtering) {
      kFilterLse = perToken.size();
      perToken.push_back(filterLse);
    }
    auto blockGrad = [&](OpBuilder &b, Location l, const GradientBlock &blk) {
      LogitGradTerms terms;
      terms.labelColumnApart = true;
      terms.smoothing = smoothInBlocks;
      terms.exponent = e;
      LossGradCoefficients coTile;
      coTile.alpha = blk.tiles[kAlpha];
      if (smoothInBlocks)
        coTile.gamma = blk.tiles[kGamma];
      Value weightTile = blockWeights && smoothInBlocks
                             ? rowsOf(b, l, blockWeights, blk.cls, blk.cols)
                             : Value();
      return logitGrad(b, l, blk.z, blk.tiles[kLse], coTile, blk.tiles[kLabels],
                       weightTile, blk.cls, classes, softcap, terms);
    };
    // Gradient filtering: the block counts if some entry of its softmax
    // term outside the label's column, per unit of the token's share of the
    // loss gradient, |alpha / g| p, is at least eps.
    auto keepBlock = [&](OpBuilder &b, Location l,
                         const GradientBlock &blk) -> Value {
      Value best =
          linalg::GenericOp::create(
              b, l, RankedTensorType::get({}, acc),
              ValueRange{blk.z, blk.tiles[kFilterLse], blk.tiles[kAlpha],
                         blk.tiles[kLabels]},
              filledTensor(b, l, {}, acc, kNegInf),
              {id2, rowOf2, rowOf2, rowOf2, AffineMap::get(2, 0, ctx)},
              {IteratorType::reduction, IteratorType::reduction},
              [&](OpBuilder &bb, Location bl, ValueRange args) {
                Value logP = arith::SubFOp::create(bb, bl, args[0], args[1]);
                Value other = arith::XOrIOp::create(
                    bb, bl, isLabelColumn(bb, bl, blk.cls, args[3], classes),
                    arith::ConstantOp::create(bb, bl, bb.getBoolAttr(true)));
                Value takes = arith::AndIOp::create(
                    bb, bl, other,
                    arith::CmpFOp::create(bb, bl, arith::CmpFPredicate::ONE,
                                          args[2], constF(bb, bl, acc, 0.0)));
                logP = arith::SelectOp::create(bb, bl, takes, logP,
                                               constF(bb, bl, acc, kNegInf));
                linalg::YieldOp::create(
                    bb, bl,
                    Value(arith::MaximumFOp::create(bb, bl, args[4], logP)));
              })
              .getResult(0);
      return arith::CmpFOp::create(
          b, l, arith::CmpFPredicate::OGE,
          tensor::ExtractOp::create(b, l, best, ValueRange{}), logEps);
    };
    LinearLossOperands blockIn{hidden,    blockClassifier, blockLabels,
                               blockBias, blockWeights,    softcap};
    FailureOr<LinearLossGradients> fromHook = failure();
    if (blocks) {
      CutGradientBlocks spec;
      spec.in = blockIn;
      spec.blockN = op.getBlockN();
      spec.blockV = op.getBlockV();
      spec.lse = lse;
      spec.alpha = co.alpha;
      spec.gamma = smoothInBlocks ? co.gamma : Value();
      spec.smoothing = smoothInBlocks;
      spec.exponent = e;
      if (filtering) {
        spec.filterLse = filterLse;
        spec.logEps = std::log(filterEps);
      }
      fromHook = blocks(rewriter, loc, spec);
    }
    LinearLossGradients grads =
        succeeded(fromHook)
            ? *fromHook
            : accumulateBlockGradients(
                  rewriter, loc, blockIn, op.getBlockN(), op.getBlockV(),
                  perToken, blockGrad,
                  filtering
                      ? function_ref<Value(OpBuilder &, Location,
                                           const GradientBlock &)>(keepBlock)
                      : nullptr);
    Value gradHidden = grads.hidden;
    Value gradClassifier = grads.classifier;
    Value gradBias = grads.bias;

    // Back to the original class order: row c of the result is row
    // inverse[c] of the blocks' order.
    if (order) {
      gradClassifier = gatherRows(rewriter, loc, gradClassifier, inverse, acc);
      if (gradBias)
        gradBias = gatherRows(rewriter, loc, gradBias, inverse, acc);
    }

    // 4a. The smoothing term without a softcap, -gamma_i w_c: grad_hidden
    // -= gamma_i sum_c w_c classifier[c]; grad_classifier[c] -= w_c
    // sum_i gamma_i hidden[i]; grad_bias[c] -= w_c sum_i gamma_i.
    if (smoothing && !smoothInBlocks) {
      auto reduceFirst = [&](Value matrix, Value rowWeights) {
        AffineMap weightMap = AffineMap::get(2, 0, getAffineDimExpr(1, ctx));
        SmallVector<Value> inputs = {matrix};
        SmallVector<AffineMap> maps = {AffineMap::get(
            2, 0, {getAffineDimExpr(1, ctx), getAffineDimExpr(0, ctx)}, ctx)};
        if (rowWeights) {
          inputs.push_back(rowWeights);
          maps.push_back(weightMap);
        }
        maps.push_back(AffineMap::get(2, 0, getAffineDimExpr(0, ctx)));
        OpFoldResult size = getSizes(rewriter, loc, matrix)[1];
        return linalg::GenericOp::create(
                   rewriter, loc,
                   RankedTensorType::get({getConstantIntValue(size).value_or(
                                             ShapedType::kDynamic)},
                                         acc),
                   inputs, filledTensor(rewriter, loc, {size}, acc, 0.0), maps,
                   {IteratorType::parallel, IteratorType::reduction},
                   [&](OpBuilder &nb, Location l, ValueRange args) {
                     Value x = castFloat(nb, l, args[0], acc);
                     if (rowWeights)
                       x = arith::MulFOp::create(
                           nb, l, x, castFloat(nb, l, args[1], acc));
                     linalg::YieldOp::create(
                         nb, l,
                         Value(arith::AddFOp::create(nb, l, args.back(), x)));
                   })
            .getResult(0);
      };
      Value weightedClasses = reduceFirst(classifier, weights); // [D]
      Value gammaHidden = reduceFirst(hidden, co.gamma);        // [D]
      auto subtractOuter = [&](Value target, Value rowFactor, Value colFactor) {
        // target[r, d] -= rowFactor[r] colFactor[d] (rowFactor null: 1).
        SmallVector<Value> inputs;
        SmallVector<AffineMap> maps;
        if (rowFactor) {
          inputs.push_back(rowFactor);
          maps.push_back(rowOf2);
        }
        inputs.push_back(colFactor);
        maps.push_back(colOf2);
        maps.push_back(id2);
        return linalg::GenericOp::create(
                   rewriter, loc, target.getType(), inputs, target, maps,
                   {IteratorType::parallel, IteratorType::parallel},
                   [&](OpBuilder &nb, Location l, ValueRange args) {
                     Value t = castFloat(nb, l, args[inputs.size() - 1], acc);
                     if (rowFactor)
                       t = arith::MulFOp::create(
                           nb, l, castFloat(nb, l, args[0], acc), t);
                     linalg::YieldOp::create(
                         nb, l,
                         Value(arith::SubFOp::create(nb, l, args.back(), t)));
                   })
            .getResult(0);
      };
      gradHidden = subtractOuter(gradHidden, co.gamma, weightedClasses);
      gradClassifier = subtractOuter(gradClassifier, weights, gammaHidden);
      if (gradBias) {
        Value gammaSum = reduceInnermost(
            rewriter, loc, co.gamma, filledTensor(rewriter, loc, {}, acc, 0.0),
            [](OpBuilder &nb, Location l, Value x, Value r) -> Value {
              return arith::AddFOp::create(nb, l, r, x);
            });
        SmallVector<Value> inputs = {gammaSum};
        SmallVector<AffineMap> maps = {AffineMap::get(1, 0, ctx)};
        if (weights) {
          inputs.push_back(weights);
          maps.push_back(id1);
        }
        maps.push_back(id1);
        gradBias =
            linalg::GenericOp::create(
                rewriter, loc, gradBias.getType(), inputs, gradBias, maps,
                {IteratorType::parallel},
                [&](OpBuilder &nb, Location l, ValueRange args) {
                  Value t = args[0];
                  if (weights)
                    t = arith::MulFOp::create(nb, l, t,
                                              castFloat(nb, l, args[1], acc));
                  linalg::YieldOp::create(
                      nb, l,
                      Value(arith::SubFOp::create(nb, l, args.back(), t)));
                })
                .getResult(0);
      }
    }

    // 4b. The label's column, which the blocks leave out: with z_y the
    // label's logit and p_y = exp(z_y - lse), its entry of du is
    //   c_i = (alpha_i p_y - beta_i [- gamma_i w_y]) (1 - (z_y / softcap)^2)
    // (the smoothing part when the blocks carry it). Computed on its own,
    // it does not cancel against the softmax term when p_y is near 1.
    // grad_hidden[i] += c_i classifier[y_i] (a gather); grad_classifier[y_i]
    // += c_i hidden[i] and grad_bias[y_i] += c_i, one token after another,
    // since tokens share labels.
    SmallVector<Value> coefInputs = {labelZ, labels, lse, co.alpha, co.beta};
    if (smoothInBlocks)
      coefInputs.push_back(co.gamma);
    SmallVector<AffineMap> coefMaps(coefInputs.size() + 1, id1);
    Value labelCoef = parallelGeneric(
        rewriter, loc, coefInputs, emptyTensor(rewriter, loc, {nd[0]}, acc),
        coefMaps, [&](OpBuilder &nb, Location l, ValueRange args) {
          Value y = clampedClass(nb, l, args[1], classes);
          Value zy = args[0];
          Value term = arith::SubFOp::create(
              nb, l, softmaxTerm(nb, l, args[3], zy, args[2]), args[4]);
          if (smoothInBlocks) {
            Value gamma = args[5];
            if (e != 0.0)
              gamma = softmaxTerm(nb, l, gamma, zy, args[2], e);
            term = arith::SubFOp::create(
                nb, l, term,
                arith::MulFOp::create(
                    nb, l, gamma,
                    labelWeight(nb, l, weights, y, classes, acc)));
          }
          if (softcap)
            term = arith::MulFOp::create(nb, l, term,
                                         softcapSlope(nb, l, zy, *softcap));
          linalg::YieldOp::create(nb, l, term);
        });
    gradHidden =
        linalg::GenericOp::create(
            rewriter, loc, gradHidden.getType(), ValueRange{labels, labelCoef},
            gradHidden, {rowOf2, rowOf2, id2},
            {IteratorType::parallel, IteratorType::parallel},
            [&](OpBuilder &nb, Location l, ValueRange args) {
              Value y = clampedClass(nb, l, args[0], classes);
              Value w = tensor::ExtractOp::create(
                  nb, l, classifier,
                  ValueRange{y, linalg::IndexOp::create(nb, l, 1)});
              Value t = arith::MulFOp::create(nb, l, args[1],
                                              castFloat(nb, l, w, acc));
              linalg::YieldOp::create(
                  nb, l, Value(arith::AddFOp::create(nb, l, args[2], t)));
            })
            .getResult(0);
    Value zero = ix.c(0);
    SmallVector<Value> scatterInits = {gradClassifier};
    if (gradBias)
      scatterInits.push_back(gradBias);
    auto scatter = scf::ForOp::create(
        rewriter, loc, zero, tokens, ix.c(1), scatterInits,
        [&](OpBuilder &b, Location l, Value i, ValueRange state) {
          IndexMath sx{b, l};
          Value y = clampedClass(
              b, l, tensor::ExtractOp::create(b, l, labels, i), classes);
          Value coef = tensor::ExtractOp::create(b, l, labelCoef, i);
          Value one = sx.c(1);
          Value hRow = rowsOf(b, l, hidden, i, one);
          Value gRow = rowsOf(b, l, state[0], y, one);
          gRow = linalg::GenericOp::create(
                     b, l, gRow.getType(), hRow, gRow, {id2, id2},
                     {IteratorType::parallel, IteratorType::parallel},
                     [&](OpBuilder &nb, Location nl, ValueRange args) {
                       Value t = arith::MulFOp::create(
                           nb, nl, coef, castFloat(nb, nl, args[0], acc));
                       linalg::YieldOp::create(
                           nb, nl,
                           Value(arith::AddFOp::create(nb, nl, args[1], t)));
                     })
                     .getResult(0);
          SmallVector<Value> next = {insertRows(b, l, gRow, state[0], y, one)};
          if (gradBias) {
            Value old = tensor::ExtractOp::create(b, l, state[1], y);
            next.push_back(tensor::InsertOp::create(
                b, l, arith::AddFOp::create(b, l, old, coef), state[1], y));
          }
          scf::YieldOp::create(b, l, next);
        });
    gradClassifier = scatter.getResult(0);
    if (gradBias)
      gradBias = scatter.getResult(1);

    SmallVector<Value> results = {
        castTensor(rewriter, loc, gradHidden, op.getGradHidden().getType()),
        castTensor(rewriter, loc, gradClassifier,
                   op.getGradClassifier().getType())};
    if (gradBias)
      results.push_back(
          castTensor(rewriter, loc, gradBias, op.getGradBias().getType()));
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

void mlir::attic::populateCutCrossEntropyGradLoweringPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerCutCrossEntropyGrad>(patterns.getContext(), nullptr);
}

void forms::populateCutCrossEntropyGradLoweringPatterns(
    RewritePatternSet &patterns, CutGradientBlocksFn blocks) {
  patterns.add<LowerCutCrossEntropyGrad>(patterns.getContext(),
                                         std::move(blocks));
}
