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
// The same loops also serve the spherical Z-loss, carrying instead the mean
// and squared deviations of z - z_y (CutSphericalZLoss.cpp). No tensor holds
// more than block_n x block_v logits.
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

namespace {
/// The quantities the class loop of buildCutStatistics can carry per token
/// of the block.
enum class Carried {
  Max,        // running maximum m of the lse
  Sum,        // sum_c exp(z_c - m)
  Label,      // z at the clamped label
  LogitSum,   // sum_c w_c z_c
  PowerSum,   // sum_c w_c exp(e (z_c - m))
  MomentMean, // mean of z_c - center over the classes so far
  MomentM2,   // sum of (z_c - center - that mean)^2 over them
};
constexpr int kNumCarried = 7;

/// Which quantities a request carries, and where: position[k] in the loop
/// state, or -1.
struct CarriedLayout {
  int position[kNumCarried];
  int size = 0;
  explicit CarriedLayout(const CutStatisticsRequest &request) {
    std::fill(std::begin(position), std::end(position), -1);
    auto carry = [&](Carried k) { position[static_cast<int>(k)] = size++; };
    if (request.logSumExp || request.powerSumExponent) {
      carry(Carried::Max);
      carry(Carried::Sum);
    }
    if (request.labelLogit)
      carry(Carried::Label);
    if (request.weightedLogitSum)
      carry(Carried::LogitSum);
    if (request.powerSumExponent)
      carry(Carried::PowerSum);
    if (request.momentCenter) {
      carry(Carried::MomentMean);
      carry(Carried::MomentM2);
    }
  }
  bool has(Carried k) const { return position[static_cast<int>(k)] >= 0; }
  int operator[](Carried k) const { return position[static_cast<int>(k)]; }
};
} // namespace

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
  CarriedLayout layout(request);
  // The token loop's results: the lse (when asked for) followed by every
  // carried quantity but the lse's own two.
  bool lseState = layout.has(Carried::Max);
  int firstResult = request.logSumExp ? 1 : 0;
  int numResults = firstResult + layout.size - (lseState ? 2 : 0);
  auto resultOf = [&](Carried k) {
    return firstResult + layout[k] - (lseState ? 2 : 0);
  };
  SmallVector<Value> allInits(numResults, emptyTensor(rewriter, loc, {n}, acc));
  AffineMap id1 = AffineMap::getMultiDimIdentityMap(1, ctx);
  AffineMap id2 = AffineMap::getMultiDimIdentityMap(2, ctx);
  AffineMap rowOf2 = AffineMap::get(2, 0, {getAffineDimExpr(0, ctx)}, ctx);
  AffineMap colOf2 = AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx);
  SmallVector<IteratorType> reduceJ = {IteratorType::parallel,
                                       IteratorType::reduction};
  auto toFloat = [&](OpBuilder &bb, Location ll, Value index) -> Value {
    return arith::SIToFPOp::create(bb, ll, acc, toI64(bb, ll, index));
  };

  auto tokenLoop = scf::ForOp::create(
      rewriter, loc, zero, tokens, blockN, allInits,
      [&](OpBuilder &b, Location l, Value tok, ValueRange all) {
        IndexMath tx{b, l};
        Value rows = tx.tileSize(blockN, tokens, tok);
        Value hTile = rowsOf(b, l, hidden, tok, rows);
        Value labTile =
            request.labelLogit ? rowsOf(b, l, labels, tok, rows) : Value();
        Value centerTile = request.momentCenter
                               ? rowsOf(b, l, request.momentCenter, tok, rows)
                               : Value();
        SmallVector<OpFoldResult> rowSizes = {rows};
        Value zeros = filledTensor(b, l, rowSizes, acc, 0.0);

        SmallVector<Value> classInits(layout.size, zeros);
        if (lseState)
          classInits[layout[Carried::Max]] =
              filledTensor(b, l, rowSizes, acc, kNegInf);
        auto classLoop = scf::ForOp::create(
            b, l, zero, classes, blockV, classInits,
            [&](OpBuilder &nb, Location nl, Value cls, ValueRange state) {
              IndexMath cx{nb, nl};
              SmallVector<Value> next(state.begin(), state.end());
              auto at = [&](Carried k) { return state[layout[k]]; };
              auto set = [&](Carried k, Value v) { next[layout[k]] = v; };
              Value cols = cx.tileSize(blockV, classes, cls);
              Value wTile = rowsOf(nb, nl, classifier, cls, cols);

              // The block's logits.
              Value z =
                  linearLogits(nb, nl, hTile, wTile,
                               bias ? rowsOf(nb, nl, bias, cls, cols) : Value(),
                               softcap, acc);

              // accum + sum_j w_j term(z_ij, row_i) over the block's
              // columns (w = 1 without weights, or with unweighted).
              auto addRowSum =
                  [&](Value accum, Value row, bool weighted,
                      function_ref<Value(OpBuilder &, Location, Value, Value)>
                          term) -> Value {
                weighted = weighted && weights;
                SmallVector<Value> inputs = {z, row};
                SmallVector<AffineMap> maps = {id2, rowOf2};
                if (weighted) {
                  inputs.push_back(rowsOf(nb, nl, weights, cls, cols));
                  maps.push_back(colOf2);
                }
                maps.push_back(rowOf2);
                return linalg::GenericOp::create(
                           nb, nl, accum.getType(), inputs, accum, maps,
                           reduceJ,
                           [&](OpBuilder &bb, Location ll, ValueRange args) {
                             Value t = term(bb, ll, args[0], args[1]);
                             if (weighted)
                               t = arith::MulFOp::create(
                                   bb, ll, t, castFloat(bb, ll, args[2], acc));
                             linalg::YieldOp::create(
                                 bb, ll,
                                 Value(arith::AddFOp::create(bb, ll,
                                                             args.back(), t)));
                           })
                    .getResult(0);
              };

              // The running log-sum-exp.
              Value newMax;
              if (lseState) {
                Value m = at(Carried::Max), s = at(Carried::Sum);
                Value blockMax = reduceInnermost(
                    nb, nl, z, filledTensor(nb, nl, rowSizes, acc, kNegInf),
                    [](OpBuilder &bb, Location ll, Value x, Value r) {
                      return Value(arith::MaximumFOp::create(bb, ll, x, r));
                    });
                RunningMax running = updateRunningMax(nb, nl, m, blockMax);
                newMax = running.newMax;
                Value scaled = parallelGeneric(
                    nb, nl, ValueRange{s, running.alpha},
                    emptyTensor(nb, nl, rowSizes, acc),
                    SmallVector<AffineMap>(3, id1),
                    [&](OpBuilder &bb, Location ll, ValueRange args) {
                      linalg::YieldOp::create(bb, ll,
                                              Value(arith::MulFOp::create(
                                                  bb, ll, args[0], args[1])));
                    });
                set(Carried::Max, newMax);
                set(Carried::Sum,
                    addRowSum(scaled, newMax, /*weighted=*/false,
                              [](OpBuilder &bb, Location ll, Value x,
                                 Value max) -> Value {
                                return math::ExpOp::create(
                                    bb, ll, subtractSafeMax(bb, ll, x, max));
                              }));
              }

              // The label's logit, where the clamped label is in the block.
              if (layout.has(Carried::Label)) {
                Value zy = at(Carried::Label);
                set(Carried::Label,
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
                        .getResult(0));
              }

              // The (weighted) sum of the logits, for label smoothing.
              if (layout.has(Carried::LogitSum))
                set(Carried::LogitSum,
                    addRowSum(at(Carried::LogitSum), at(Carried::LogitSum),
                              /*weighted=*/true,
                              [](OpBuilder &, Location, Value x, Value) {
                                return x;
                              }));

              // The (weighted) power sum, rescaled like the lse's sum:
              // ps' = exp(e (m - m')) ps + sum_j w_j exp(e (z_j - m')).
              if (layout.has(Carried::PowerSum)) {
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
                    nb, nl,
                    ValueRange{at(Carried::PowerSum), at(Carried::Max), newMax},
                    emptyTensor(nb, nl, rowSizes, acc),
                    SmallVector<AffineMap>(4, id1),
                    [&](OpBuilder &bb, Location ll, ValueRange args) {
                      linalg::YieldOp::create(
                          bb, ll,
                          Value(arith::MulFOp::create(
                              bb, ll, args[0],
                              power(bb, ll, args[1], args[2]))));
                    });
                set(Carried::PowerSum,
                    addRowSum(rescaled, newMax, /*weighted=*/true, power));
              }

              // The moments of d = z - center: the block's mean and squared
              // deviations from it, merged into the running ones by Chan's
              // update (n_a classes so far, n_b in the block, n = n_a + n_b):
              //   delta = mean_b - mean_a
              //   mean' = mean_a + delta n_b / n
              //   M2'   = M2_a + M2_b + delta^2 n_a n_b / n
              if (layout.has(Carried::MomentMean)) {
                auto centered = [](OpBuilder &bb, Location ll, Value x,
                                   Value c) -> Value {
                  return arith::SubFOp::create(bb, ll, x, c);
                };
                Value blockSum = addRowSum(
                    filledTensor(nb, nl, rowSizes, acc, 0.0), centerTile,
                    /*weighted=*/false, centered);
                Value colsF = toFloat(nb, nl, cols);
                Value blockMean = parallelGeneric(
                    nb, nl, ValueRange{blockSum},
                    emptyTensor(nb, nl, rowSizes, acc),
                    SmallVector<AffineMap>(2, id1),
                    [&](OpBuilder &bb, Location ll, ValueRange args) {
                      linalg::YieldOp::create(
                          bb, ll,
                          Value(arith::DivFOp::create(bb, ll, args[0], colsF)));
                    });
                // sum_j ((z_j - center) - mean_b)^2.
                Value blockM2 =
                    linalg::GenericOp::create(
                        nb, nl, blockMean.getType(),
                        ValueRange{z, centerTile, blockMean},
                        filledTensor(nb, nl, rowSizes, acc, 0.0),
                        {id2, rowOf2, rowOf2, rowOf2}, reduceJ,
                        [&](OpBuilder &bb, Location ll, ValueRange args) {
                          Value dev = arith::SubFOp::create(
                              bb, ll, centered(bb, ll, args[0], args[1]),
                              args[2]);
                          linalg::YieldOp::create(
                              bb, ll,
                              Value(arith::AddFOp::create(
                                  bb, ll, args[3],
                                  arith::MulFOp::create(bb, ll, dev, dev))));
                        })
                        .getResult(0);
                Value seenF = toFloat(nb, nl, cls);
                Value totalF = toFloat(nb, nl, cx.add(cls, cols));
                Type rowType = blockMean.getType();
                auto merged = linalg::GenericOp::create(
                    nb, nl, TypeRange{rowType, rowType},
                    ValueRange{at(Carried::MomentMean), at(Carried::MomentM2),
                               blockMean, blockM2},
                    ValueRange{emptyTensor(nb, nl, rowSizes, acc),
                               emptyTensor(nb, nl, rowSizes, acc)},
                    SmallVector<AffineMap>(6, id1), {IteratorType::parallel},
                    [&](OpBuilder &bb, Location ll, ValueRange args) {
                      Value delta =
                          arith::SubFOp::create(bb, ll, args[2], args[0]);
                      Value share =
                          arith::DivFOp::create(bb, ll, colsF, totalF);
                      Value mean = arith::AddFOp::create(
                          bb, ll, args[0],
                          arith::MulFOp::create(bb, ll, delta, share));
                      Value cross = arith::MulFOp::create(
                          bb, ll, arith::MulFOp::create(bb, ll, delta, delta),
                          arith::MulFOp::create(bb, ll, seenF, share));
                      Value m2 = arith::AddFOp::create(
                          bb, ll,
                          arith::AddFOp::create(bb, ll, args[1], args[3]),
                          cross);
                      linalg::YieldOp::create(bb, ll, ValueRange{mean, m2});
                    });
                set(Carried::MomentMean, merged.getResult(0));
                set(Carried::MomentM2, merged.getResult(1));
              }
              scf::YieldOp::create(nb, nl, next);
            });

        auto carried = [&](Carried k) {
          return classLoop.getResult(layout[k]);
        };
        SmallVector<Value> finished(numResults);
        // lse = m + log s (m = -inf counts as 0: an all -inf row gives
        // log 0 = -inf).
        if (request.logSumExp)
          finished[0] = parallelGeneric(
              b, l, ValueRange{carried(Carried::Max), carried(Carried::Sum)},
              emptyTensor(b, l, rowSizes, acc), SmallVector<AffineMap>(3, id1),
              [&](OpBuilder &bb, Location ll, ValueRange args) {
                Value logSum = math::LogOp::create(bb, ll, args[1]);
                Value negMax =
                    subtractSafeMax(bb, ll, constF(bb, ll, acc, 0.0), args[0]);
                linalg::YieldOp::create(
                    bb, ll,
                    Value(arith::SubFOp::create(bb, ll, logSum, negMax)));
              });
        for (int k = 0; k < kNumCarried; ++k) {
          auto kind = static_cast<Carried>(k);
          if (layout.has(kind) && kind != Carried::Max && kind != Carried::Sum)
            finished[resultOf(kind)] = carried(kind);
        }
        // The power sum relative to the lse: exp(e (m - lse)) = s^-e.
        if (request.powerSumExponent) {
          double e = *request.powerSumExponent;
          Value &ps = finished[resultOf(Carried::PowerSum)];
          ps = parallelGeneric(
              b, l, ValueRange{ps, carried(Carried::Sum)},
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
        SmallVector<Value> results;
        for (int k = 0; k < numResults; ++k)
          results.push_back(insertRows(b, l, finished[k], all[k], tok, rows));
        scf::YieldOp::create(b, l, results);
      });

  CutStatistics stats;
  auto result = [&](Carried k) {
    return layout.has(k) ? tokenLoop.getResult(resultOf(k)) : Value();
  };
  if (request.logSumExp)
    stats.lse = tokenLoop.getResult(0);
  stats.labelLogit = result(Carried::Label);
  stats.weightedLogitSum = result(Carried::LogitSum);
  stats.weightedPowerSum = result(Carried::PowerSum);
  stats.momentMean = result(Carried::MomentMean);
  stats.momentSquares = result(Carried::MomentM2);
  return stats;
}

namespace {

struct LowerCutCrossEntropy final : OpRewritePattern<CutCrossEntropyOp> {
  LowerCutCrossEntropy(MLIRContext *ctx, CutStatisticsFn statistics)
      : OpRewritePattern(ctx), statistics(std::move(statistics)) {}

  CutStatisticsFn statistics;

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
    FailureOr<CutStatistics> fromHook = failure();
    if (statistics)
      fromHook = statistics(rewriter, loc, in, op.getBlockN(), op.getBlockV(),
                            request);
    CutStatistics cut =
        succeeded(fromHook)
            ? *fromHook
            : buildCutStatistics(rewriter, loc, in, op.getBlockN(),
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
  patterns.add<LowerCutCrossEntropy>(patterns.getContext(), nullptr);
}

void forms::populateCutCrossEntropyLoweringPatterns(
    RewritePatternSet &patterns, CutStatisticsFn statistics) {
  patterns.add<LowerCutCrossEntropy>(patterns.getContext(),
                                     std::move(statistics));
}
