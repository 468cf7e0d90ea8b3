//===- CutCrossEntropy.cpp - Lowering of attic.cut_cross_entropy ----------===//
//
// A loop over token blocks carries the per-token statistics [N]; inside it a
// loop over class blocks carries, per token of the block, the running
// maximum m and sum s of the log-sum-exp, the label's logit and (with label
// smoothing) the weighted sum of the logits:
//
//   z    = h_blk w_blk^T (+ bias, softcap)              [bn, bv]
//   m'   = max(m, rowmax z),   s' = exp(m - m') s + rowsum exp(z - m')
//   zy' = zy + z[label]  (when the label is in the block)
//   swz' = swz + sum_j w_j z_j
//
// or, for the comp-sum kinds other than cross-entropy, the power sum
//   ps' = exp(e (m - m')) ps + sum_j w_j exp(e (z_j - m'))
// Then lse = m + log s and the smoothing sum (lse sum_c w_c - swz, or
// (sum_c w_c - ps s^-e) / e) feed the loss computation the reference uses.
// No tensor holds more than block_n x block_v logits.
//
//===----------------------------------------------------------------------===//

#include "codegen/forms/CutCrossEntropy.h"
#include "codegen/forms/Forms.h"
#include "codegen/reference/Builders.h"
#include "codegen/reference/CrossEntropy.h"
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
using namespace mlir::attic::forms;

using utils::IteratorType;
constexpr double kNegInf = -std::numeric_limits<double>::infinity();

namespace {
/// The offsets, sizes and strides of rows [row, row + rows) of `tensor`
/// (all of its columns when it is 2-D).
struct RowSlice {
  SmallVector<OpFoldResult> offsets, sizes, strides;
  RowSlice(OpBuilder &b, Location loc, Value tensor, Value row, Value rows)
      : offsets({row}), sizes({rows}) {
    int64_t rank = cast<RankedTensorType>(tensor.getType()).getRank();
    if (rank == 2) {
      offsets.push_back(b.getIndexAttr(0));
      sizes.push_back(getSizes(b, loc, tensor)[1]);
    }
    strides.assign(rank, b.getIndexAttr(1));
  }
};
} // namespace

Value forms::rowsOf(OpBuilder &b, Location loc, Value tensor, Value row,
                    Value rows) {
  RowSlice slice(b, loc, tensor, row, rows);
  return tensor::ExtractSliceOp::create(b, loc, tensor, slice.offsets,
                                        slice.sizes, slice.strides);
}

Value forms::insertRows(OpBuilder &b, Location loc, Value slice, Value dest,
                        Value row, Value rows) {
  RowSlice at(b, loc, dest, row, rows);
  return tensor::InsertSliceOp::create(b, loc, slice, dest, at.offsets,
                                       at.sizes, at.strides);
}

Value forms::labelLogitsOf(OpBuilder &b, Location loc,
                           const LinearLossOperands &in) {
  MLIRContext *ctx = b.getContext();
  FloatType acc = accumulatorType(
      cast<RankedTensorType>(in.hidden.getType()).getElementType());
  Value classes = IndexMath{b, loc}.dim(in.classifier, 0);
  OpFoldResult n = getSizes(b, loc, in.hidden)[0];
  AffineMap rowOf2 = AffineMap::get(2, 0, getAffineDimExpr(0, ctx));
  Value dots =
      linalg::GenericOp::create(
          b, loc,
          RankedTensorType::get(
              {getConstantIntValue(n).value_or(ShapedType::kDynamic)}, acc),
          ValueRange{in.hidden, in.labels}, filledTensor(b, loc, {n}, acc, 0.0),
          {b.getMultiDimIdentityMap(2), rowOf2, rowOf2},
          {IteratorType::parallel, IteratorType::reduction},
          [&](OpBuilder &nb, Location l, ValueRange args) {
            Value y = clampedClass(nb, l, args[1], classes);
            Value w = tensor::ExtractOp::create(
                nb, l, in.classifier,
                ValueRange{y, linalg::IndexOp::create(nb, l, 1)});
            Value prod =
                arith::MulFOp::create(nb, l, castFloat(nb, l, args[0], acc),
                                      castFloat(nb, l, w, acc));
            linalg::YieldOp::create(
                nb, l, Value(arith::AddFOp::create(nb, l, args[2], prod)));
          })
          .getResult(0);
  if (!in.bias && !in.softcap)
    return dots;
  AffineMap id1 = b.getMultiDimIdentityMap(1);
  return parallelGeneric(
      b, loc, ValueRange{dots, in.labels}, emptyTensor(b, loc, {n}, acc),
      {id1, id1, id1}, [&](OpBuilder &nb, Location l, ValueRange args) {
        Value zy = args[0];
        if (in.bias) {
          Value y = clampedClass(nb, l, args[1], classes);
          zy = arith::AddFOp::create(
              nb, l, zy,
              castFloat(nb, l, tensor::ExtractOp::create(nb, l, in.bias, y),
                        acc));
        }
        if (in.softcap)
          zy = applySoftcap(nb, l, zy, *in.softcap);
        linalg::YieldOp::create(nb, l, zy);
      });
}

CutStatistics forms::buildCutStatistics(OpBuilder &rewriter, Location loc,
                                        const LinearLossOperands &in,
                                        int64_t blockSizeN, int64_t blockSizeV,
                                        const CutStatisticsRequest &request) {
  MLIRContext *ctx = rewriter.getContext();
  IndexMath ix{rewriter, loc};
  Value hidden = in.hidden, classifier = in.classifier, labels = in.labels,
        bias = in.bias, weights = in.weights;
  std::optional<double> softcap = in.softcap;
  FloatType acc = accumulatorType(
      cast<RankedTensorType>(hidden.getType()).getElementType());
  Value tokens = ix.dim(hidden, 0), classes = ix.dim(classifier, 0);
  Value blockN = ix.c(blockSizeN), blockV = ix.c(blockSizeV);
  Value zero = ix.c(0);
  OpFoldResult n = getSizes(rewriter, loc, hidden)[0];
  // The loops carry the lse state and only the statistics asked for:
  // accumulator k (0 the label's logit, 1 the logit sum, 2 the power sum)
  // is at position slot[k] after the lse state, or absent.
  int slot[3] = {-1, -1, -1};
  int numExtra = 0;
  if (request.labelLogit)
    slot[0] = numExtra++;
  if (request.weightedLogitSum)
    slot[1] = numExtra++;
  if (request.powerSumExponent)
    slot[2] = numExtra++;
  SmallVector<Value> allInits(numExtra + 1,
                              emptyTensor(rewriter, loc, {n}, acc));
  AffineMap id1 = AffineMap::getMultiDimIdentityMap(1, ctx);
  AffineMap id2 = AffineMap::getMultiDimIdentityMap(2, ctx);
  AffineMap rowOf2 = AffineMap::get(2, 0, {getAffineDimExpr(0, ctx)}, ctx);
  AffineMap colOf2 = AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx);

  auto tokenLoop = scf::ForOp::create(
      rewriter, loc, zero, tokens, blockN, allInits,
      [&](OpBuilder &b, Location l, Value tok, ValueRange all) {
        IndexMath tx{b, l};
        Value rows = tx.min(blockN, tx.sub(tokens, tok));
        Value hTile = rowsOf(b, l, hidden, tok, rows);
        Value labTile = rowsOf(b, l, labels, tok, rows);
        SmallVector<OpFoldResult> rowSizes = {rows};
        Value m0 = filledTensor(b, l, rowSizes, acc, kNegInf);
        Value zeros = filledTensor(b, l, rowSizes, acc, 0.0);

        SmallVector<Value> classInits(numExtra + 2, zeros);
        classInits[0] = m0;
        auto classLoop = scf::ForOp::create(
            b, l, zero, classes, blockV, classInits,
            [&](OpBuilder &nb, Location nl, Value cls, ValueRange state) {
              IndexMath cx{nb, nl};
              Value m = state[0], s = state[1];
              SmallVector<Value> next = {Value(), Value()};
              next.append(state.begin() + 2, state.end());
              Value cols = cx.min(blockV, cx.sub(classes, cls));
              Value wTile = rowsOf(nb, nl, classifier, cls, cols);
              SmallVector<OpFoldResult> zSizes = {rows, cols};

              // The block's logits.
              Value z =
                  linearLogits(nb, nl, hTile, wTile,
                               bias ? rowsOf(nb, nl, bias, cls, cols) : Value(),
                               softcap, acc);

              // The running log-sum-exp.
              Value blockMax = reduceInnermost(
                  nb, nl, z, filledTensor(nb, nl, rowSizes, acc, kNegInf),
                  [](OpBuilder &bb, Location ll, Value x, Value r) {
                    return Value(arith::MaximumFOp::create(bb, ll, x, r));
                  });
              RunningMax running = updateRunningMax(nb, nl, m, blockMax);
              Value scaled = parallelGeneric(
                  nb, nl, ValueRange{s, running.alpha},
                  emptyTensor(nb, nl, rowSizes, acc),
                  {AffineMap::getMultiDimIdentityMap(1, ctx),
                   AffineMap::getMultiDimIdentityMap(1, ctx),
                   AffineMap::getMultiDimIdentityMap(1, ctx)},
                  [&](OpBuilder &bb, Location ll, ValueRange args) {
                    linalg::YieldOp::create(
                        bb, ll,
                        Value(arith::MulFOp::create(bb, ll, args[0], args[1])));
                  });
              SmallVector<IteratorType> reduceJ = {IteratorType::parallel,
                                                   IteratorType::reduction};
              Value newSum =
                  linalg::GenericOp::create(
                      nb, nl, scaled.getType(), ValueRange{z, running.newMax},
                      scaled, {id2, rowOf2, rowOf2}, reduceJ,
                      [&](OpBuilder &bb, Location ll, ValueRange args) {
                        Value e = math::ExpOp::create(
                            bb, ll, subtractSafeMax(bb, ll, args[0], args[1]));
                        linalg::YieldOp::create(
                            bb, ll,
                            Value(arith::AddFOp::create(bb, ll, args[2], e)));
                      })
                      .getResult(0);

              // The label's logit, where the clamped label is in the block.
              if (request.labelLogit) {
                Value zy = state[2 + slot[0]];
                next[2 + slot[0]] =
                    linalg::GenericOp::create(
                        nb, nl, zy.getType(), ValueRange{z, labTile}, zy,
                        {id2, rowOf2, rowOf2}, reduceJ,
                        [&](OpBuilder &bb, Location ll, ValueRange args) {
                          Value hit =
                              isLabelColumn(bb, ll, cls, args[1], classes);
                          Value picked = arith::SelectOp::create(
                              bb, ll, hit, args[0], constF(bb, ll, acc, 0.0));
                          linalg::YieldOp::create(
                              bb, ll,
                              Value(arith::AddFOp::create(bb, ll, args[2],
                                                          picked)));
                        })
                        .getResult(0);
              }

              // accum + sum_j w_j term(z_ij, row_i) over the block's
              // columns (w = 1 without weights).
              auto addWeightedSum =
                  [&](Value accum, Value row,
                      function_ref<Value(OpBuilder &, Location, Value, Value)>
                          term) -> Value {
                SmallVector<Value> inputs = {z, row};
                SmallVector<AffineMap> maps = {id2, rowOf2};
                if (weights) {
                  inputs.push_back(rowsOf(nb, nl, weights, cls, cols));
                  maps.push_back(colOf2);
                }
                maps.push_back(rowOf2);
                return linalg::GenericOp::create(
                           nb, nl, accum.getType(), inputs, accum, maps,
                           reduceJ,
                           [&](OpBuilder &bb, Location ll, ValueRange args) {
                             Value t = term(bb, ll, args[0], args[1]);
                             if (weights)
                               t = arith::MulFOp::create(
                                   bb, ll, t, castFloat(bb, ll, args[2], acc));
                             linalg::YieldOp::create(
                                 bb, ll,
                                 Value(arith::AddFOp::create(bb, ll,
                                                             args.back(), t)));
                           })
                    .getResult(0);
              };

              // The (weighted) sum of the logits, for label smoothing.
              if (request.weightedLogitSum)
                next[2 + slot[1]] = addWeightedSum(
                    state[2 + slot[1]], running.newMax,
                    [](OpBuilder &, Location, Value x, Value) { return x; });

              // The (weighted) power sum, rescaled like the lse's sum:
              // ps' = exp(e (m - m')) ps + sum_j w_j exp(e (z_j - m')).
              if (request.powerSumExponent) {
                double e = *request.powerSumExponent;
                auto power = [&](OpBuilder &bb, Location ll, Value x,
                                 Value max) -> Value {
                  return math::ExpOp::create(
                      bb, ll,
                      arith::MulFOp::create(bb, ll,
                                            subtractSafeMax(bb, ll, x, max),
                                            constF(bb, ll, acc, e)));
                };
                Value rescaled = parallelGeneric(
                    nb, nl, ValueRange{state[2 + slot[2]], m, running.newMax},
                    emptyTensor(nb, nl, rowSizes, acc),
                    SmallVector<AffineMap>(4, id1),
                    [&](OpBuilder &bb, Location ll, ValueRange args) {
                      linalg::YieldOp::create(
                          bb, ll,
                          Value(arith::MulFOp::create(
                              bb, ll, args[0],
                              power(bb, ll, args[1], args[2]))));
                    });
                next[2 + slot[2]] =
                    addWeightedSum(rescaled, running.newMax, power);
              }
              next[0] = running.newMax;
              next[1] = newSum;
              scf::YieldOp::create(nb, nl, next);
            });

        // lse = m + log s (m = -inf counts as 0: an all -inf row gives
        // log 0 = -inf).
        Value lse = parallelGeneric(
            b, l, ValueRange{classLoop.getResult(0), classLoop.getResult(1)},
            emptyTensor(b, l, rowSizes, acc),
            {AffineMap::getMultiDimIdentityMap(1, ctx),
             AffineMap::getMultiDimIdentityMap(1, ctx),
             AffineMap::getMultiDimIdentityMap(1, ctx)},
            [&](OpBuilder &bb, Location ll, ValueRange args) {
              Value logSum = math::LogOp::create(bb, ll, args[1]);
              Value negMax =
                  subtractSafeMax(bb, ll, constF(bb, ll, acc, 0.0), args[0]);
              linalg::YieldOp::create(
                  bb, ll, Value(arith::SubFOp::create(bb, ll, logSum, negMax)));
            });
        SmallVector<Value> finished(classLoop.getResults().begin() + 2,
                                    classLoop.getResults().end());
        // The power sum relative to the lse: exp(e (m - lse)) = s^-e.
        if (request.powerSumExponent) {
          double e = *request.powerSumExponent;
          Value &ps = finished[slot[2]];
          ps = parallelGeneric(
              b, l, ValueRange{ps, classLoop.getResult(1)},
              emptyTensor(b, l, rowSizes, acc), SmallVector<AffineMap>(3, id1),
              [&](OpBuilder &bb, Location ll, ValueRange args) {
                Value scale = math::ExpOp::create(
                    bb, ll,
                    arith::MulFOp::create(bb, ll,
                                          math::LogOp::create(bb, ll, args[1]),
                                          constF(bb, ll, acc, -e)));
                linalg::YieldOp::create(
                    bb, ll,
                    Value(arith::MulFOp::create(bb, ll, args[0], scale)));
              });
        }
        SmallVector<Value> results = {insertRows(b, l, lse, all[0], tok, rows)};
        for (int k = 0; k < numExtra; ++k)
          results.push_back(
              insertRows(b, l, finished[k], all[1 + k], tok, rows));
        scf::YieldOp::create(b, l, results);
      });

  CutStatistics stats;
  stats.lse = tokenLoop.getResult(0);
  if (request.labelLogit)
    stats.labelLogit = tokenLoop.getResult(1 + slot[0]);
  if (request.weightedLogitSum)
    stats.weightedLogitSum = tokenLoop.getResult(1 + slot[1]);
  if (request.powerSumExponent)
    stats.weightedPowerSum = tokenLoop.getResult(1 + slot[2]);
  return stats;
}

namespace {

struct LowerCutCrossEntropy final : OpRewritePattern<CutCrossEntropyOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(CutCrossEntropyOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value hidden = op.getHidden(), classifier = op.getClassifier(),
          labels = op.getLabels(), bias = op.getBias(),
          weights = op.getWeights();
    FloatType acc = accumulatorType(op.getHidden().getType().getElementType());
    LossAttrs attrs = LossAttrs::get(op);
    bool smoothing = attrs.labelSmoothing != 0.0;
    std::optional<double> softcap = softcapOf(op);
    Value classes = tensor::DimOp::create(rewriter, loc, classifier, 0);
    OpFoldResult n = getSizes(rewriter, loc, hidden)[0];

    LinearLossOperands in{hidden, classifier, labels, bias, weights, softcap};
    // The smoothing sum sum_c w_c phi(z_c - lse) from per-token sums:
    // lse W - sum_c w_c z_c for cross-entropy, (W - sum_c w_c p_c^e) / e
    // for the other kinds (W = sum_c w_c).
    double e = attrs.exponent;
    CutStatisticsRequest request;
    request.labelLogit = true;
    request.weightedLogitSum = smoothing && e == 0.0;
    if (smoothing && e != 0.0)
      request.powerSumExponent = e;
    CutStatistics cut = buildCutStatistics(rewriter, loc, in, op.getBlockN(),
                                           op.getBlockV(), request);
    CrossEntropyStats stats;
    stats.lse = cut.lse;
    stats.labelLogit = cut.labelLogit;
    if (smoothing) {
      Value weightSum;
      if (weights) {
        weightSum = reduceInnermost(
            rewriter, loc, weights, filledTensor(rewriter, loc, {}, acc, 0.0),
            [&](OpBuilder &bb, Location ll, Value x, Value r) -> Value {
              return arith::AddFOp::create(bb, ll, r,
                                           castFloat(bb, ll, x, acc));
            });
      }
      AffineMap id1 = AffineMap::getMultiDimIdentityMap(1, ctx);
      SmallVector<Value> inputs = {stats.lse, e == 0.0 ? cut.weightedLogitSum
                                                       : cut.weightedPowerSum};
      SmallVector<AffineMap> maps = {id1, id1};
      if (weightSum) {
        inputs.push_back(weightSum);
        maps.push_back(AffineMap::get(1, 0, ctx));
      }
      maps.push_back(id1);
      stats.smooth = parallelGeneric(
          rewriter, loc, inputs, emptyTensor(rewriter, loc, {n}, acc), maps,
          [&](OpBuilder &bb, Location ll, ValueRange args) {
            Value total = weightSum ? args[2]
                                    : arith::SIToFPOp::create(
                                          bb, ll, acc, toI64(bb, ll, classes));
            Value r;
            if (e == 0.0)
              r = arith::SubFOp::create(
                  bb, ll, arith::MulFOp::create(bb, ll, args[0], total),
                  args[1]);
            else
              r = arith::DivFOp::create(
                  bb, ll, arith::SubFOp::create(bb, ll, total, args[1]),
                  constF(bb, ll, acc, e));
            linalg::YieldOp::create(bb, ll, r);
          });
    }
    RankedTensorType lseType =
        op.getLse() ? cast<RankedTensorType>(op.getLse().getType())
                    : RankedTensorType();
    rewriter.replaceOp(op, finishCrossEntropy(rewriter, loc, labels, weights,
                                              attrs, classes, stats,
                                              op.getLoss().getType(), lseType));
    return success();
  }
};

} // namespace

void mlir::attic::populateCutCrossEntropyLoweringPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerCutCrossEntropy>(patterns.getContext());
}
