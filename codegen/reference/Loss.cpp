//===- Loss.cpp - Reference lowering of the losses ------------------------===//
//
// cross_entropy and linear_cross_entropy, computed directly:
//   1. lse = max + log(sum(exp(x - max))) per position (the softmax row stats)
//   2. with label smoothing, s = sum_c w_c phi(x_c - lse) per position, phi
//      the comp-sum loss of the op's kind (lse - x_c for cross-entropy)
//   3. per position: the label's logit and weight gathered with tensor.extract,
//      the loss l and the applied weight a (0 where the label is ignored)
//   4. the reduction: l itself, sum(l), or sum(l) / sum(a), totals in f64
// linear_cross_entropy first materializes z = hidden . classifier^T + bias
// (softcapped) in the accumulator type; the rest is shared.
//
//===----------------------------------------------------------------------===//

#include "codegen/reference/Builders.h"
#include "codegen/reference/CrossEntropy.h"
#include "codegen/reference/Reference.h"
#include "dialects/attic/AtticOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::reference;

namespace {

using utils::IteratorType;

/// The cross-entropy of `logits` `[N, C, d...]` (any float type) against
/// `labels` `[N, d...]`: the loss of `lossType` and, when `lseType` is set,
/// the per-position log-sum-exp.
SmallVector<Value> buildCrossEntropy(OpBuilder &b, Location loc, Value logits,
                                     Value labels, Value weights,
                                     const LossAttrs &attrs,
                                     RankedTensorType lossType,
                                     RankedTensorType lseType) {
  CrossEntropyStats stats;
  // 1. The log-sum-exp of every position.
  stats.lse = logSumExpRows(b, loc, logits);

  // 2. The smoothing term sum_c w_c phi(x_c - lse).
  if (attrs.labelSmoothing != 0.0)
    stats.smooth =
        weightedClassSum(b, loc, logits, stats.lse, weights,
                         [&](OpBuilder &nb, Location l, Value logP) {
                           return compSumLoss(nb, l, logP, attrs.exponent);
                         });

  // 3. The label's logit.
  Value numClasses =
      getValueOrCreateConstantIndexOp(b, loc, getSizes(b, loc, logits)[1]);
  stats.labelLogit = labelLogits(b, loc, logits, labels);
  return finishCrossEntropy(b, loc, labels, weights, attrs, numClasses, stats,
                            lossType, lseType);
}

} // namespace

double reference::lossExponent(LossKind kind, std::optional<double> q) {
  switch (kind) {
  case LossKind::cross_entropy:
    return 0.0;
  case LossKind::generalized_cross_entropy:
    return q.value_or(1.0);
  case LossKind::mean_absolute_error:
    return 1.0;
  case LossKind::sum_exponential:
    return -1.0;
  }
  llvm_unreachable("unknown loss kind");
}

/// exp(x) - 1, accurate near 0 (Kahan's formulation: the rounding error of
/// u = exp(x) cancels in (u - 1) x / log u).
static Value expMinusOne(OpBuilder &b, Location loc, Value x) {
  Type type = x.getType();
  Value u = math::ExpOp::create(b, loc, x);
  Value one = constF(b, loc, type, 1.0);
  Value um1 = arith::SubFOp::create(b, loc, u, one);
  Value ratio =
      arith::DivFOp::create(b, loc, arith::MulFOp::create(b, loc, um1, x),
                            math::LogOp::create(b, loc, u));
  auto is = [&](Value v, Value c) {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, v, c);
  };
  // u = 1: x itself; u = 0: -1; u = inf: inf.
  Value r = arith::SelectOp::create(
      b, loc, is(u, constF(b, loc, type, INFINITY)), u, ratio);
  r = arith::SelectOp::create(b, loc, is(u, constF(b, loc, type, 0.0)),
                              constF(b, loc, type, -1.0), r);
  return arith::SelectOp::create(b, loc, is(u, one), x, r);
}

Value reference::compSumLoss(OpBuilder &b, Location loc, Value logP,
                             double exponent) {
  Type type = logP.getType();
  if (exponent == 0.0)
    return arith::NegFOp::create(b, loc, logP);
  Value scaled =
      arith::MulFOp::create(b, loc, logP, constF(b, loc, type, exponent));
  return arith::DivFOp::create(b, loc, expMinusOne(b, loc, scaled),
                               constF(b, loc, type, -exponent));
}

Value reference::compSumScale(OpBuilder &b, Location loc, Value logP,
                              double exponent) {
  Type type = logP.getType();
  if (exponent == 0.0)
    return constF(b, loc, type, 1.0);
  return math::ExpOp::create(
      b, loc,
      arith::MulFOp::create(b, loc, logP, constF(b, loc, type, exponent)));
}

Value reference::weightedClassSum(
    OpBuilder &b, Location loc, Value logits, Value lse, Value weights,
    function_ref<Value(OpBuilder &, Location, Value)> term) {
  MLIRContext *ctx = b.getContext();
  auto logitsType = cast<RankedTensorType>(logits.getType());
  int64_t rank = logitsType.getRank();
  Type acc = cast<RankedTensorType>(lse.getType()).getElementType();
  SmallVector<OpFoldResult> posSizes = getSizes(b, loc, logits);
  posSizes.erase(posSizes.begin() + 1);
  AffineMap pos = b.getMultiDimIdentityMap(rank).dropResult(1);
  SmallVector<Value> inputs = {logits, lse};
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank), pos};
  if (weights) {
    inputs.push_back(weights);
    maps.push_back(AffineMap::get(rank, 0, getAffineDimExpr(1, ctx)));
  }
  maps.push_back(pos);
  SmallVector<IteratorType> iterators(rank, IteratorType::parallel);
  iterators[1] = IteratorType::reduction;
  Value init = filledTensor(b, loc, posSizes, acc, 0.0);
  return linalg::GenericOp::create(
             b, loc, init.getType(), inputs, init, maps, iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value x = castFloat(nb, l, args[0], acc);
               Value t = term(nb, l, arith::SubFOp::create(nb, l, x, args[1]));
               if (weights)
                 t = arith::MulFOp::create(nb, l, t,
                                           castFloat(nb, l, args[2], acc));
               linalg::YieldOp::create(
                   nb, l, Value(arith::AddFOp::create(nb, l, args.back(), t)));
             })
      .getResult(0);
}

Value reference::labelLogits(OpBuilder &b, Location loc, Value logits,
                             Value labels) {
  auto logitsType = cast<RankedTensorType>(logits.getType());
  int64_t posRank = logitsType.getRank() - 1;
  FloatType acc = accumulatorType(logitsType.getElementType());
  SmallVector<OpFoldResult> posSizes = getSizes(b, loc, logits);
  Value numClasses = getValueOrCreateConstantIndexOp(b, loc, posSizes[1]);
  posSizes.erase(posSizes.begin() + 1);
  AffineMap posId = b.getMultiDimIdentityMap(posRank);
  return parallelGeneric(
      b, loc, labels, emptyTensor(b, loc, posSizes, acc), {posId, posId},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        SmallVector<Value> indices;
        for (int64_t d = 0; d < posRank; ++d)
          indices.push_back(linalg::IndexOp::create(nb, l, d));
        indices.insert(indices.begin() + 1,
                       clampedClass(nb, l, args[0], numClasses));
        linalg::YieldOp::create(
            nb, l,
            castFloat(nb, l, tensor::ExtractOp::create(nb, l, logits, indices),
                      acc));
      });
}

Value reference::clampedClass(OpBuilder &b, Location loc, Value label,
                              Value numClasses) {
  Value lastClass = arith::SubIOp::create(
      b, loc, toI64(b, loc, numClasses),
      arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(1)));
  Value zero = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
  Value clamped = arith::MaxSIOp::create(
      b, loc, zero,
      arith::MinSIOp::create(b, loc, toI64(b, loc, label), lastClass));
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), clamped);
}

Value reference::countsLabel(OpBuilder &b, Location loc, Value label,
                             std::optional<int64_t> ignoreIndex) {
  if (!ignoreIndex)
    return arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
  return arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ne, toI64(b, loc, label),
      arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(*ignoreIndex)));
}

Value reference::labelWeight(OpBuilder &b, Location loc, Value weights,
                             Value label, Value numClasses, Type type) {
  if (!weights)
    return constF(b, loc, type, 1.0);
  Value classIdx = clampedClass(b, loc, label, numClasses);
  return castFloat(
      b, loc, tensor::ExtractOp::create(b, loc, weights, ValueRange{classIdx}),
      type);
}

Value reference::isLabelColumn(OpBuilder &b, Location loc, Value classOffset,
                               Value label, Value numClasses) {
  return isLabelClass(b, loc,
                      arith::AddIOp::create(b, loc, classOffset,
                                            linalg::IndexOp::create(b, loc, 1)),
                      label, numClasses);
}

Value reference::isLabelClass(OpBuilder &b, Location loc, Value column,
                              Value label, Value numClasses) {
  return arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::eq, toI64(b, loc, column),
      toI64(b, loc, clampedClass(b, loc, label, numClasses)));
}

Value reference::applySoftcap(OpBuilder &b, Location loc, Value u,
                              double softcap) {
  Value c = constF(b, loc, u.getType(), softcap);
  Value t = math::TanhOp::create(b, loc, arith::DivFOp::create(b, loc, u, c));
  return arith::MulFOp::create(b, loc, t, c);
}

Value reference::softcapSlope(OpBuilder &b, Location loc, Value z,
                              double softcap) {
  Type type = z.getType();
  Value t = arith::DivFOp::create(b, loc, z, constF(b, loc, type, softcap));
  return arith::SubFOp::create(b, loc, constF(b, loc, type, 1.0),
                               arith::MulFOp::create(b, loc, t, t));
}

Value reference::softmaxTerm(OpBuilder &b, Location loc, Value alpha, Value z,
                             Value lse, double power) {
  Value zero = constF(b, loc, alpha.getType(), 0.0);
  Value logP = arith::SubFOp::create(b, loc, z, lse);
  if (power != 1.0)
    logP = arith::MulFOp::create(b, loc, logP,
                                 constF(b, loc, alpha.getType(), power));
  Value p = math::ExpOp::create(b, loc, logP);
  return arith::SelectOp::create(
      b, loc,
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, alpha, zero),
      zero, arith::MulFOp::create(b, loc, alpha, p));
}

Value reference::logSumExpRows(OpBuilder &b, Location loc, Value logits) {
  auto type = cast<RankedTensorType>(logits.getType());
  FloatType acc = accumulatorType(type.getElementType());
  SmallVector<OpFoldResult> rowSizes = getSizes(b, loc, logits);
  rowSizes.erase(rowSizes.begin() + 1);
  AffineMap id = b.getMultiDimIdentityMap(rowSizes.size());
  RowStats rowStats = buildRowStats(b, loc, logits, 1);
  return parallelGeneric(
      b, loc, ValueRange{rowStats.max, rowStats.sum},
      emptyTensor(b, loc, rowSizes, acc), {id, id, id},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value logSum = math::LogOp::create(nb, l, args[1]);
        linalg::YieldOp::create(
            nb, l, Value(arith::AddFOp::create(nb, l, args[0], logSum)));
      });
}

Value reference::linearLogits(OpBuilder &b, Location loc, Value hidden,
                              Value classifier, Value bias,
                              std::optional<double> softcap, FloatType acc) {
  MLIRContext *ctx = b.getContext();
  OpFoldResult rows = getSizes(b, loc, hidden)[0];
  OpFoldResult classes = getSizes(b, loc, classifier)[0];

  // z[i, j] = sum_d hidden[i, d] classifier[j, d], in the accumulator type.
  AffineExpr i, j, d;
  bindDims(ctx, i, j, d);
  Value logits = contract(b, loc, hidden, classifier,
                          filledTensor(b, loc, {rows, classes}, acc, 0.0),
                          {AffineMap::get(3, 0, {i, d}, ctx),
                           AffineMap::get(3, 0, {j, d}, ctx),
                           AffineMap::get(3, 0, {i, j}, ctx)},
                          {IteratorType::parallel, IteratorType::parallel,
                           IteratorType::reduction});
  if (!bias && !softcap)
    return logits;

  // Bias, then the softcap c * tanh(z / c).
  AffineMap id = b.getMultiDimIdentityMap(2);
  SmallVector<Value> inputs = {logits};
  SmallVector<AffineMap> maps = {id};
  if (bias) {
    inputs.push_back(bias);
    maps.push_back(AffineMap::get(2, 0, getAffineDimExpr(1, ctx)));
  }
  maps.push_back(id);
  return parallelGeneric(
      b, loc, inputs, emptyTensor(b, loc, {rows, classes}, acc), maps,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value z = args[0];
        if (bias)
          z = arith::AddFOp::create(nb, l, z, castFloat(nb, l, args[1], acc));
        if (softcap)
          z = applySoftcap(nb, l, z, *softcap);
        linalg::YieldOp::create(nb, l, z);
      });
}

SmallVector<Value> reference::finishCrossEntropy(
    OpBuilder &b, Location loc, Value labels, Value weights,
    const LossAttrs &attrs, Value numClasses, const CrossEntropyStats &stats,
    RankedTensorType lossType, RankedTensorType lseType) {
  auto lseType0 = cast<RankedTensorType>(stats.lse.getType());
  int64_t posRank = lseType0.getRank();
  Type acc = lseType0.getElementType();
  SmallVector<OpFoldResult> posSizes = getSizes(b, loc, stats.lse);
  AffineMap posId = b.getMultiDimIdentityMap(posRank);
  double eps = attrs.labelSmoothing;
  Value lse = stats.lse, smooth = stats.smooth;

  // The loss and applied weight of every position. The label is clamped to
  // [0, C) so that an ignored (or out-of-range) label never reads outside
  // the weights.
  Value numClassesF =
      arith::SIToFPOp::create(b, loc, acc, toI64(b, loc, numClasses));
  SmallVector<Value> inputs = {labels, lse, stats.labelLogit};
  if (smooth)
    inputs.push_back(smooth);
  SmallVector<AffineMap> maps(inputs.size() + 2, posId);
  Value lossInit = emptyTensor(b, loc, posSizes, acc);
  auto perPosition = linalg::GenericOp::create(
      b, loc, TypeRange{lossInit.getType(), lossInit.getType()}, inputs,
      ValueRange{lossInit, lossInit}, maps,
      SmallVector<IteratorType>(posRank, IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value label = toI64(nb, l, args[0]);
        Value rowLse = args[1];
        Value labelLogit = args[2];
        Value zero = constF(nb, l, acc, 0.0);
        Value weight = labelWeight(nb, l, weights, label, numClasses, acc);
        Value valid = countsLabel(nb, l, label, attrs.ignoreIndex);
        Value applied = arith::SelectOp::create(nb, l, valid, weight, zero);

        Value phi =
            compSumLoss(nb, l, arith::SubFOp::create(nb, l, labelLogit, rowLse),
                        attrs.exponent);
        Value loss = arith::MulFOp::create(
            nb, l, arith::MulFOp::create(nb, l, weight, phi),
            constF(nb, l, acc, 1.0 - eps));
        if (smooth) {
          Value perClass = arith::DivFOp::create(nb, l, args[3], numClassesF);
          loss = arith::AddFOp::create(
              nb, l, loss,
              arith::MulFOp::create(nb, l, perClass, constF(nb, l, acc, eps)));
        }
        if (attrs.zLoss != 0.0) {
          Value square = arith::MulFOp::create(nb, l, rowLse, rowLse);
          loss = arith::AddFOp::create(
              nb, l, loss,
              arith::MulFOp::create(nb, l, square,
                                    constF(nb, l, acc, attrs.zLoss)));
        }
        // Select rather than multiply by 0, so an ignored position whose
        // terms are infinite still contributes exactly 0.
        loss = arith::SelectOp::create(nb, l, valid, loss, zero);
        linalg::YieldOp::create(nb, l, ValueRange{loss, applied});
      });
  SmallVector<Value> results = {reduceLosses(b, loc, perPosition.getResult(0),
                                             perPosition.getResult(1),
                                             attrs.reduction, lossType)};
  if (lseType)
    results.push_back(castTensor(b, loc, lse, lseType));
  return results;
}

Value reference::reduceLosses(OpBuilder &b, Location loc, Value losses,
                              Value applied, Reduction reduction,
                              RankedTensorType lossType) {
  MLIRContext *ctx = b.getContext();
  int64_t posRank = cast<RankedTensorType>(losses.getType()).getRank();
  AffineMap posId = b.getMultiDimIdentityMap(posRank);
  Value result;
  if (reduction == Reduction::none) {
    result = castTensor(b, loc, losses, lossType);
  } else {
    bool mean = reduction == Reduction::mean;
    AffineMap scalar = AffineMap::get(posRank, 0, ctx);
    // The totals accumulate in f64: a sequential f32 sum over thousands of
    // positions drifts by more than 1e-5 relative.
    FloatType total = b.getF64Type();
    Value init = filledTensor(b, loc, {}, total, 0.0);
    SmallVector<Value> reduceInputs = {losses};
    SmallVector<Value> inits = {init};
    if (mean) {
      reduceInputs.push_back(applied);
      inits.push_back(init);
    }
    SmallVector<AffineMap> reduceMaps(reduceInputs.size(), posId);
    reduceMaps.append(inits.size(), scalar);
    auto totals = linalg::GenericOp::create(
        b, loc, TypeRange(ValueRange(inits)), reduceInputs, inits, reduceMaps,
        SmallVector<IteratorType>(posRank, IteratorType::reduction),
        [&](OpBuilder &nb, Location l, ValueRange args) {
          size_t n = reduceInputs.size();
          SmallVector<Value> sums;
          for (size_t i = 0; i < n; ++i)
            sums.push_back(arith::AddFOp::create(
                nb, l, args[n + i], castFloat(nb, l, args[i], total)));
          linalg::YieldOp::create(nb, l, sums);
        });
    // mean: sum(l) / sum(a), which is NaN when every label is ignored, as in
    // ONNX's and PyTorch's definitions.
    AffineMap none = AffineMap::get(0, 0, ctx);
    SmallVector<AffineMap> finalMaps(totals.getNumResults() + 1, none);
    result = parallelGeneric(
        b, loc, totals.getResults(),
        emptyTensor(b, loc, {}, lossType.getElementType()), finalMaps,
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value r = args[0];
          if (mean)
            r = arith::DivFOp::create(nb, l, r, args[1]);
          linalg::YieldOp::create(
              nb, l, castFloat(nb, l, r, lossType.getElementType()));
        });
  }
  return result;
}

namespace {

RankedTensorType optionalType(Value value) {
  return value ? cast<RankedTensorType>(value.getType()) : RankedTensorType();
}

struct LowerCrossEntropy final : OpRewritePattern<CrossEntropyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CrossEntropyOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op,
        buildCrossEntropy(rewriter, op.getLoc(), op.getLogits(), op.getLabels(),
                          op.getWeights(), LossAttrs::get(op),
                          op.getLoss().getType(), optionalType(op.getLse())));
    return success();
  }
};

/// nll_loss is cross_entropy's finishing step on the label's log-probability
/// with a log-sum-exp of 0: -w_y log_probs[y], the same reductions.
struct LowerNllLoss final : OpRewritePattern<NllLossOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(NllLossOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value logProbs = op.getLogProbs();
    CrossEntropyStats stats;
    stats.labelLogit = labelLogits(rewriter, loc, logProbs, op.getLabels());
    auto statType = cast<RankedTensorType>(stats.labelLogit.getType());
    stats.lse =
        filledTensor(rewriter, loc, getSizes(rewriter, loc, stats.labelLogit),
                     statType.getElementType(), 0.0);
    LossAttrs attrs = {op.getReduction(), op.getIgnoreIndex(), 0.0, 0.0,
                       lossExponent(LossKind::cross_entropy, std::nullopt)};
    Value numClasses = getValueOrCreateConstantIndexOp(
        rewriter, loc, getSizes(rewriter, loc, logProbs)[1]);
    rewriter.replaceOp(op,
                       finishCrossEntropy(rewriter, loc, op.getLabels(),
                                          op.getWeights(), attrs, numClasses,
                                          stats, op.getLoss().getType(), {}));
    return success();
  }
};

struct LowerLinearCrossEntropy final : OpRewritePattern<LinearCrossEntropyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LinearCrossEntropyOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value logits = linearLogitsOf(rewriter, op);
    rewriter.replaceOp(op,
                       buildCrossEntropy(rewriter, loc, logits, op.getLabels(),
                                         op.getWeights(), LossAttrs::get(op),
                                         op.getLoss().getType(),
                                         optionalType(op.getLse())));
    return success();
  }
};

} // namespace

void mlir::attic::populateLossReferencePatterns(RewritePatternSet &patterns) {
  patterns.add<LowerCrossEntropy, LowerNllLoss, LowerLinearCrossEntropy>(
      patterns.getContext());
}
