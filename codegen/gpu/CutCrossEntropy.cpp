//===- CutCrossEntropy.cpp - The cut statistics as a GPU kernel -----------===//
//
// The per-token statistics of attic.cut_cross_entropy (log-sum-exp, and for
// label smoothing the weighted logit sum or power sum) without the N x V
// logits. Grid: (token tiles of 64, vocabulary splits). A block computes
// the logits of its 64 tokens against 64 classes at a time (LogitTile.h),
// looping over its split of the vocabulary. Each token's
// running maximum, rescaled sum and the other sums are merged over the 16
// threads sharing its rows by shuffles, and the label's logit picked from
// the same tile. The splits' partial statistics
// ([splits, N] each) are merged per token afterwards, as tensor code.
//
//===----------------------------------------------------------------------===//

#include "codegen/gpu/KernelBuilder.h"
#include "codegen/gpu/Kernels.h"
#include "codegen/gpu/LogitTile.h"
#include "codegen/reference/Builders.h"
#include "codegen/reference/CrossEntropy.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::cuda;
using namespace mlir::attic::reference;

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();
/// Classes a vocabulary split aims at, and the most splits.
constexpr int64_t kSplitClasses = 4096, kMaxSplits = 64;

/// The statistics a thread carries per token row.
struct RowState {
  Value max, sum, label, logitSum, powerSum;
};

} // namespace

FailureOr<forms::CutStatistics>
cuda::buildCutStatisticsOnGpu(OpBuilder &b, Location loc,
                              const forms::LinearLossOperands &in,
                              const forms::CutStatisticsRequest &request) {
  if (request.momentCenter)
    return failure();
  Value hidden = in.hidden, classifier = in.classifier;
  auto hiddenType = cast<RankedTensorType>(hidden.getType());
  Type elt = hiddenType.getElementType();
  FloatType acc = accumulatorType(elt);
  bool logitSum = request.weightedLogitSum;
  bool label = request.labelLogit;
  std::optional<double> power = request.powerSumExponent;
  Value weights = in.weights, bias = in.bias;
  MLIRContext *ctx = b.getContext();

  IndexMath hx{b, loc};
  Value tokens = hx.dim(hidden, 0), classes = hx.dim(classifier, 0),
        depth = hx.dim(hidden, 1);
  Value one = hx.c(1);
  // Splits: about kSplitClasses classes each, at most kMaxSplits; each a
  // whole number of tiles.
  Value splits = hx.min(hx.c(kMaxSplits),
                        hx.max(one, arith::CeilDivUIOp::create(
                                        b, loc, classes, hx.c(kSplitClasses))));
  Value perSplit = arith::MulIOp::create(
      b, loc,
      arith::CeilDivUIOp::create(
          b, loc, arith::CeilDivUIOp::create(b, loc, classes, splits),
          hx.c(kTile)),
      hx.c(kTile));
  Value tokenTiles = arith::CeilDivUIOp::create(b, loc, tokens, hx.c(kTile));

  Value hFlat = flatBuffer(b, loc, hidden);
  Value wFlat = flatBuffer(b, loc, classifier);
  Value biasFlat = bias ? flatBuffer(b, loc, bias) : Value();
  Value labelsFlat = label ? flatBuffer(b, loc, in.labels) : Value();
  Value weightsFlat = weights ? flatBuffer(b, loc, weights) : Value();
  // Partial statistics [splits, N], in the accumulator type.
  auto partialType =
      RankedTensorType::get({ShapedType::kDynamic, ShapedType::kDynamic}, acc);
  int numPartials = 2 + (label ? 1 : 0) + (logitSum ? 1 : 0) + (power ? 1 : 0);
  SmallVector<ResultBuffer> partials;
  for (int k = 0; k < numPartials; ++k)
    partials.push_back(
        allocateResult(b, loc, partialType, ValueRange{splits, tokens}));

  OpBuilder::InsertionGuard guard(b);
  gpu::LaunchOp launch =
      createLaunch(b, loc, {tokenTiles, splits, one}, kSide * kSide,
                   {{acc, kTile * kPadded}, {acc, kTile * kPadded}});
  Value hTile = launch.getWorkgroupAttributions()[0];
  Value wTile = launch.getWorkgroupAttributions()[1];
  Value thread = launch.getThreadIds().x;
  Value tokenTile = launch.getBlockIds().x, split = launch.getBlockIds().y;
  IndexMath ix{b, loc};
  Value tx = arith::RemUIOp::create(b, loc, thread, ix.c(kSide));
  Value ty = arith::DivUIOp::create(b, loc, thread, ix.c(kSide));
  Value firstToken = arith::MulIOp::create(b, loc, tokenTile, ix.c(kTile));
  Value firstClass = arith::MulIOp::create(b, loc, split, perSplit);
  Value endClass = ix.min(classes, ix.add(firstClass, perSplit));
  Value zeroF = constF(b, loc, acc, 0.0);

  // This thread's rows' clamped labels: the label's logit is picked from
  // the same logits the log-sum-exp sums, so that the loss of a token
  // whose label dominates cancels exactly as in the reference.
  SmallVector<Value> rowLabels;
  if (label)
    for (int64_t i = 0; i < kPer; ++i) {
      Value token = ix.min(ix.add(firstToken, ix.add(ty, ix.c(i * kSide))),
                           arith::SubIOp::create(b, loc, tokens, ix.c(1)));
      rowLabels.push_back(clampedClass(
          b, loc, memref::LoadOp::create(b, loc, labelsFlat, token), classes));
    }
  SmallVector<Value> init;
  for (int64_t i = 0; i < kPer; ++i) {
    init.append({constF(b, loc, acc, kNegInf), zeroF});
    if (label)
      init.push_back(zeroF);
    if (logitSum)
      init.push_back(zeroF);
    if (power)
      init.push_back(zeroF);
  }
  int perRow = numPartials;
  auto rowState = [&](ValueRange state, int64_t i) {
    RowState r;
    ValueRange row = state.slice(i * perRow, perRow);
    r.max = row[0];
    r.sum = row[1];
    int k = 2;
    if (label)
      r.label = row[k++];
    if (logitSum)
      r.logitSum = row[k++];
    if (power)
      r.powerSum = row[k++];
    return r;
  };

  TileContext tileContext{hFlat, wFlat,  biasFlat, hTile, wTile, thread,    tx,
                          ty,    tokens, classes,  depth, acc,   in.softcap};
  auto classLoop = scf::ForOp::create(
      b, loc, firstClass, endClass, ix.c(kTile), init,
      [&](OpBuilder &cb, Location cl, Value firstCol, ValueRange state) {
        // The 4 x 4 logits of this thread, which columns are classes of
        // the split, and their weights.
        LogitTile tile = computeLogitTile(cb, cl, tileContext, firstToken,
                                          firstCol, endClass);
        SmallVector<Value> &z = tile.z, &valid = tile.valid, &cols = tile.cols;
        SmallVector<Value> classWeight;
        for (int64_t j = 0; j < kPer; ++j)
          classWeight.push_back(
              weights ? castFloat(cb, cl,
                                  memref::LoadOp::create(cb, cl, weightsFlat,
                                                         tile.readCols[j]),
                                  acc)
                      : constF(cb, cl, acc, 1.0));
        auto sumLanes = [&](Value x) {
          return reduceLanes(cb, cl, x, kSide,
                             [](OpBuilder &rb, Location rl, ValueRange p,
                                ValueRange q) -> SmallVector<Value> {
                               return {
                                   arith::AddFOp::create(rb, rl, p[0], q[0])};
                             })[0];
        };
        SmallVector<Value> next;
        for (int64_t i = 0; i < kPer; ++i) {
          RowState r = rowState(state, i);
          // The tile's maximum over the 16 threads of the row.
          Value tileMax = constF(cb, cl, acc, kNegInf);
          for (int64_t j = 0; j < kPer; ++j)
            tileMax = arith::MaximumFOp::create(
                cb, cl, tileMax,
                arith::SelectOp::create(cb, cl, valid[j], z[i * kPer + j],
                                        constF(cb, cl, acc, kNegInf)));
          tileMax = reduceLanes(
              cb, cl, tileMax, kSide,
              [](OpBuilder &rb, Location rl, ValueRange p,
                 ValueRange q) -> SmallVector<Value> {
                return {arith::MaximumFOp::create(rb, rl, p[0], q[0])};
              })[0];
          Value newMax = arith::MaximumFOp::create(cb, cl, r.max, tileMax);
          Value alpha = math::ExpOp::create(
              cb, cl, subtractSafeMax(cb, cl, r.max, newMax));
          Value expSum = constF(cb, cl, acc, 0.0);
          Value picked = constF(cb, cl, acc, 0.0);
          Value zSum = constF(cb, cl, acc, 0.0);
          Value powSum = constF(cb, cl, acc, 0.0);
          for (int64_t j = 0; j < kPer; ++j) {
            Value x = z[i * kPer + j];
            Value shifted = subtractSafeMax(cb, cl, x, newMax);
            auto masked = [&](Value v) -> Value {
              return arith::SelectOp::create(cb, cl, valid[j], v,
                                             constF(cb, cl, acc, 0.0));
            };
            expSum = arith::AddFOp::create(
                cb, cl, expSum, masked(math::ExpOp::create(cb, cl, shifted)));
            if (label) {
              Value hit = arith::CmpIOp::create(
                  cb, cl, arith::CmpIPredicate::eq, cols[j], rowLabels[i]);
              picked = arith::SelectOp::create(cb, cl, hit, x, picked);
            }
            if (logitSum)
              zSum = arith::AddFOp::create(
                  cb, cl, zSum,
                  masked(arith::MulFOp::create(cb, cl, classWeight[j], x)));
            if (power)
              powSum = arith::AddFOp::create(
                  cb, cl, powSum,
                  masked(arith::MulFOp::create(
                      cb, cl, classWeight[j],
                      math::ExpOp::create(
                          cb, cl,
                          arith::MulFOp::create(
                              cb, cl, shifted, constF(cb, cl, acc, *power))))));
          }
          next.push_back(newMax);
          next.push_back(
              math::FmaOp::create(cb, cl, r.sum, alpha, sumLanes(expSum)));
          if (label)
            next.push_back(
                arith::AddFOp::create(cb, cl, r.label, sumLanes(picked)));
          if (logitSum)
            next.push_back(
                arith::AddFOp::create(cb, cl, r.logitSum, sumLanes(zSum)));
          if (power) {
            Value rescale = math::ExpOp::create(
                cb, cl,
                arith::MulFOp::create(cb, cl,
                                      subtractSafeMax(cb, cl, r.max, newMax),
                                      constF(cb, cl, acc, *power)));
            next.push_back(math::FmaOp::create(cb, cl, r.powerSum, rescale,
                                               sumLanes(powSum)));
          }
        }
        scf::YieldOp::create(cb, cl, next);
      });

  // The first thread of each row writes the row's partial statistics.
  Value first =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tx, ix.c(0));
  scf::IfOp::create(b, loc, first, [&](OpBuilder &nb, Location l) {
    IndexMath nx{nb, l};
    for (int64_t i = 0; i < kPer; ++i) {
      Value token = nx.add(firstToken, nx.add(ty, nx.c(i * kSide)));
      Value inside = nx.lt(token, tokens);
      scf::IfOp::create(nb, l, inside, [&](OpBuilder &sb, Location sl) {
        IndexMath sx{sb, sl};
        Value at = sx.add(sx.mul(split, tokens), token);
        ValueRange row = classLoop.getResults().slice(i * perRow, perRow);
        for (int k = 0; k < numPartials; ++k)
          memref::StoreOp::create(sb, sl, row[k], partials[k].flat, at);
        scf::YieldOp::create(sb, sl);
      });
    }
    scf::YieldOp::create(nb, l);
  });
  b.setInsertionPointAfter(launch);

  // Merge the splits per token: the maximum, the sums rescaled to it.
  SmallVector<Value> parts;
  for (ResultBuffer &partial : partials)
    parts.push_back(resultTensor(b, loc, partial, partialType));
  SmallVector<OpFoldResult> n = {getSizes(b, loc, hidden)[0]};
  SmallVector<Value> inits = {filledTensor(b, loc, n, acc, kNegInf)};
  for (int k = 1; k < numPartials; ++k)
    inits.push_back(filledTensor(b, loc, n, acc, 0.0));
  AffineMap bySplit = AffineMap::get(
      2, 0, {getAffineDimExpr(1, ctx), getAffineDimExpr(0, ctx)}, ctx);
  AffineMap byToken = AffineMap::get(2, 0, {getAffineDimExpr(0, ctx)}, ctx);
  SmallVector<AffineMap> maps(numPartials, bySplit);
  maps.append(numPartials, byToken);
  auto merged = linalg::GenericOp::create(
      b, loc, TypeRange(ValueRange(inits)), parts, inits, maps,
      {utils::IteratorType::parallel, utils::IteratorType::reduction},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        ValueRange part = args.take_front(numPartials);
        ValueRange total = args.drop_front(numPartials);
        Value newMax = arith::MaximumFOp::create(nb, l, total[0], part[0]);
        Value keep = subtractSafeMax(nb, l, total[0], newMax);
        Value add = subtractSafeMax(nb, l, part[0], newMax);
        SmallVector<Value> out = {newMax};
        out.push_back(math::FmaOp::create(
            nb, l, total[1], math::ExpOp::create(nb, l, keep),
            arith::MulFOp::create(nb, l, part[1],
                                  math::ExpOp::create(nb, l, add))));
        int k = 2;
        for (bool plainSum : {label, logitSum}) {
          if (!plainSum)
            continue;
          out.push_back(arith::AddFOp::create(nb, l, total[k], part[k]));
          ++k;
        }
        if (power) {
          Value e = constF(nb, l, acc, *power);
          auto scaled = [&](Value v, Value shift) -> Value {
            return arith::MulFOp::create(
                nb, l, v,
                math::ExpOp::create(nb, l,
                                    arith::MulFOp::create(nb, l, shift, e)));
          };
          out.push_back(arith::AddFOp::create(nb, l, scaled(total[k], keep),
                                              scaled(part[k], add)));
        }
        linalg::YieldOp::create(nb, l, out);
      });

  // lse = m + log s (m = -inf counts as 0); the power sum relative to it.
  forms::CutStatistics stats;
  Value maxT = merged.getResult(0), sumT = merged.getResult(1);
  AffineMap id1 = AffineMap::getMultiDimIdentityMap(1, ctx);
  stats.lse = parallelGeneric(
      b, loc, ValueRange{maxT, sumT}, emptyTensor(b, loc, n, acc),
      SmallVector<AffineMap>(3, id1),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value negMax = subtractSafeMax(nb, l, constF(nb, l, acc, 0.0), args[0]);
        linalg::YieldOp::create(
            nb, l,
            Value(arith::SubFOp::create(
                nb, l, math::LogOp::create(nb, l, args[1]), negMax)));
      });
  int k = 2;
  if (label)
    stats.labelLogit = merged.getResult(k++);
  if (logitSum)
    stats.weightedLogitSum = merged.getResult(k++);
  if (power) {
    double e = *power;
    stats.weightedPowerSum = parallelGeneric(
        b, loc, ValueRange{merged.getResult(k), sumT},
        emptyTensor(b, loc, n, acc), SmallVector<AffineMap>(3, id1),
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value scale = math::ExpOp::create(
              nb, l,
              arith::MulFOp::create(nb, l, math::LogOp::create(nb, l, args[1]),
                                    constF(nb, l, acc, -e)));
          linalg::YieldOp::create(
              nb, l, Value(arith::MulFOp::create(nb, l, args[0], scale)));
        });
  }
  return stats;
}
