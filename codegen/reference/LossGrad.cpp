//===- LossGrad.cpp - Reference lowering of linear_cross_entropy_grad -----===//
//
// The gradient of linear cross-entropy, computed directly:
//   1. z = hidden . classifier^T (+ bias, softcapped), [N, V]
//   2. lse from z, unless the op is given it
//   3. per token the coefficients of dz (alpha, beta, gamma), from the
//      label's logit and sum_c w_c p_c^e too for the comp-sum kinds other
//      than cross-entropy
//   4. du = dz (1 - (z / softcap)^2), [N, V]
//   5. grad_hidden = du . classifier, grad_classifier = du^T . hidden,
//      grad_bias = the column sums of du
// The coefficients and du are shared with the cut form.
//
//===----------------------------------------------------------------------===//

#include "codegen/reference/Builders.h"
#include "codegen/reference/CrossEntropy.h"
#include "codegen/reference/Reference.h"
#include "dialects/attic/AtticOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::reference;

using utils::IteratorType;

Value reference::lossShares(OpBuilder &b, Location loc, Value labels,
                            Value weights, Reduction reduction,
                            std::optional<int64_t> ignoreIndex,
                            Value numClasses, Value gradLoss, FloatType acc) {
  MLIRContext *ctx = b.getContext();
  AffineMap id = b.getMultiDimIdentityMap(1);
  AffineMap scalar = AffineMap::get(1, 0, ctx);
  bool perToken = reduction == Reduction::none;
  bool mean = reduction == Reduction::mean;

  // mean divides by the total applied weight, summed in f64 as the forward
  // does.
  Value total;
  if (mean) {
    FloatType f64 = b.getF64Type();
    total = linalg::GenericOp::create(
                b, loc, RankedTensorType::get({}, f64), labels,
                filledTensor(b, loc, {}, f64, 0.0), {id, scalar},
                {IteratorType::reduction},
                [&](OpBuilder &nb, Location l, ValueRange args) {
                  Value applied = arith::SelectOp::create(
                      nb, l, countsLabel(nb, l, args[0], ignoreIndex),
                      labelWeight(nb, l, weights, args[0], numClasses, acc),
                      constF(nb, l, acc, 0.0));
                  linalg::YieldOp::create(
                      nb, l,
                      Value(arith::AddFOp::create(
                          nb, l, args[1], castFloat(nb, l, applied, f64))));
                })
                .getResult(0);
  }
  SmallVector<Value> inputs = {labels, gradLoss};
  SmallVector<AffineMap> maps = {id, perToken ? id : scalar};
  if (total) {
    inputs.push_back(total);
    maps.push_back(scalar);
  }
  maps.push_back(id);
  return parallelGeneric(
      b, loc, inputs, emptyTensor(b, loc, getSizes(b, loc, labels), acc), maps,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value g = castFloat(nb, l, args[1], acc);
        if (total) {
          Value share = arith::DivFOp::create(
              nb, l, castFloat(nb, l, g, nb.getF64Type()), args[2]);
          g = castFloat(nb, l, share, acc);
        }
        linalg::YieldOp::create(
            nb, l,
            Value(arith::SelectOp::create(
                nb, l, countsLabel(nb, l, args[0], ignoreIndex), g,
                constF(nb, l, acc, 0.0))));
      });
}

LossGradCoefficients
reference::lossGradCoefficients(OpBuilder &b, Location loc, Value labels,
                                Value weights, const LossAttrs &attrs,
                                Value numClasses, Value lse, Value gradLoss,
                                Value labelLogit, Value powerSum) {
  MLIRContext *ctx = b.getContext();
  FloatType acc =
      cast<FloatType>(cast<RankedTensorType>(lse.getType()).getElementType());
  SmallVector<OpFoldResult> sizes = getSizes(b, loc, lse);
  AffineMap id = b.getMultiDimIdentityMap(1);
  AffineMap scalar = AffineMap::get(1, 0, ctx);
  double eps = attrs.labelSmoothing;
  Value shares = lossShares(b, loc, labels, weights, attrs.reduction,
                            attrs.ignoreIndex, numClasses, gradLoss, acc);
  // T = W = sum_c w_c for cross-entropy, for the smoothing part of alpha.
  double e = attrs.exponent;
  Value weightSum;
  if (eps != 0.0 && weights && !powerSum)
    weightSum = reduceInnermost(
        b, loc, weights, filledTensor(b, loc, {}, acc, 0.0),
        [&](OpBuilder &nb, Location l, Value x, Value r) -> Value {
          return arith::AddFOp::create(nb, l, r, castFloat(nb, l, x, acc));
        });

  SmallVector<Value> inputs = {labels, lse, shares};
  SmallVector<AffineMap> maps = {id, id, id};
  if (weightSum) {
    inputs.push_back(weightSum);
    maps.push_back(scalar);
  }
  if (e != 0.0) {
    inputs.push_back(labelLogit);
    maps.push_back(id);
  }
  if (powerSum) {
    inputs.push_back(powerSum);
    maps.push_back(id);
  }
  unsigned numOutputs = eps != 0.0 ? 4 : 3;
  maps.append(numOutputs, id);
  Value init = emptyTensor(b, loc, sizes, acc);
  SmallVector<Value> inits(numOutputs, init);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange(ValueRange(inits)), inputs, inits, maps,
      {IteratorType::parallel},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value label = args[0], rowLse = args[1], g = args[2];
        unsigned next = 3;
        Value zero = constF(nb, l, acc, 0.0);
        Value wy = labelWeight(nb, l, weights, label, numClasses, acc);
        Value weightSumArg = weightSum ? args[next++] : Value();
        // The loss kind's gradient scale k = p_y^e.
        Value labelTerm =
            arith::MulFOp::create(nb, l, wy, constF(nb, l, acc, 1.0 - eps));
        if (e != 0.0)
          labelTerm = arith::MulFOp::create(
              nb, l, labelTerm,
              compSumScale(nb, l,
                           arith::SubFOp::create(nb, l, args[next++], rowLse),
                           e));
        // Select, so an ignored token gives exactly 0 whatever its lse.
        Value ignored =
            arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ, g, zero);
        Value beta = arith::SelectOp::create(
            nb, l, ignored, zero, arith::MulFOp::create(nb, l, g, labelTerm));
        // alpha / g = w_y (1 - eps) k + eps T / C + 2 z_loss lse.
        Value perToken = labelTerm;
        Value gamma;
        if (eps != 0.0) {
          Value classes =
              arith::SIToFPOp::create(nb, l, acc, toI64(nb, l, numClasses));
          Value epsOverC =
              arith::DivFOp::create(nb, l, constF(nb, l, acc, eps), classes);
          Value w =
              powerSum ? args[next++] : (weightSumArg ? weightSumArg : classes);
          perToken = arith::AddFOp::create(
              nb, l, perToken, arith::MulFOp::create(nb, l, epsOverC, w));
          gamma = arith::MulFOp::create(nb, l, g, epsOverC);
        }
        if (attrs.zLoss != 0.0)
          perToken = arith::AddFOp::create(
              nb, l, perToken,
              arith::MulFOp::create(nb, l, rowLse,
                                    constF(nb, l, acc, 2.0 * attrs.zLoss)));
        Value alpha = arith::SelectOp::create(
            nb, l, ignored, zero, arith::MulFOp::create(nb, l, g, perToken));
        Value logScale = math::LogOp::create(
            nb, l,
            arith::SelectOp::create(nb, l, ignored, zero,
                                    math::AbsFOp::create(nb, l, perToken)));
        SmallVector<Value> yields = {alpha, beta, logScale};
        if (gamma)
          yields.push_back(gamma);
        linalg::YieldOp::create(nb, l, yields);
      });
  LossGradCoefficients result;
  result.alpha = generic.getResult(0);
  result.beta = generic.getResult(1);
  result.logAlphaScale = generic.getResult(2);
  if (eps != 0.0)
    result.gamma = generic.getResult(3);
  return result;
}

Value reference::logitGrad(OpBuilder &b, Location loc, Value z, Value lse,
                           const LossGradCoefficients &coefficients,
                           Value labels, Value weights, Value classOffset,
                           Value numClasses, std::optional<double> softcap,
                           LogitGradTerms terms) {
  MLIRContext *ctx = b.getContext();
  Type acc = cast<RankedTensorType>(z.getType()).getElementType();
  AffineMap id = b.getMultiDimIdentityMap(2);
  AffineMap row = AffineMap::get(2, 0, getAffineDimExpr(0, ctx));
  AffineMap col = AffineMap::get(2, 0, getAffineDimExpr(1, ctx));
  SmallVector<Value> inputs = {z, lse, coefficients.alpha};
  SmallVector<AffineMap> maps = {id, row, row};
  int beta = -1, gamma = -1, weight = -1;
  auto add = [&](Value input, AffineMap map) {
    inputs.push_back(input);
    maps.push_back(map);
    return static_cast<int>(inputs.size()) - 1;
  };
  int label = add(labels, row);
  if (!terms.labelColumnApart)
    beta = add(coefficients.beta, row);
  if (terms.smoothing) {
    gamma = add(coefficients.gamma, row);
    if (weights)
      weight = add(weights, col);
  }
  maps.push_back(id);
  return parallelGeneric(
      b, loc, inputs, emptyTensor(b, loc, getSizes(b, loc, z), acc), maps,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        LogitGradEntry entry;
        entry.z = args[0];
        entry.lse = args[1];
        entry.alpha = args[2];
        entry.label = args[label];
        entry.column = arith::AddIOp::create(nb, l, classOffset,
                                             linalg::IndexOp::create(nb, l, 1));
        if (beta >= 0)
          entry.beta = args[beta];
        if (gamma >= 0)
          entry.gamma = args[gamma];
        if (weight >= 0)
          entry.weight = castFloat(nb, l, args[weight], acc);
        linalg::YieldOp::create(
            nb, l, logitGradEntry(nb, l, entry, numClasses, softcap, terms));
      });
}

Value reference::logitGradEntry(OpBuilder &b, Location loc,
                                const LogitGradEntry &entry, Value numClasses,
                                std::optional<double> softcap,
                                LogitGradTerms terms) {
  Type acc = entry.z.getType();
  Value zero = constF(b, loc, acc, 0.0);
  Value dz = softmaxTerm(b, loc, entry.alpha, entry.z, entry.lse);
  Value hit = isLabelClass(b, loc, entry.column, entry.label, numClasses);
  if (!terms.labelColumnApart)
    dz = arith::SubFOp::create(
        b, loc, dz, arith::SelectOp::create(b, loc, hit, entry.beta, zero));
  if (terms.smoothing) {
    Value term = entry.gamma;
    if (terms.exponent != 0.0)
      term = softmaxTerm(b, loc, term, entry.z, entry.lse, terms.exponent);
    if (entry.weight)
      term = arith::MulFOp::create(b, loc, term, entry.weight);
    dz = arith::SubFOp::create(b, loc, dz, term);
  }
  if (terms.labelColumnApart)
    dz = arith::SelectOp::create(b, loc, hit, zero, dz);
  if (softcap)
    dz = arith::MulFOp::create(b, loc, dz,
                               softcapSlope(b, loc, entry.z, *softcap));
  return dz;
}

SmallVector<Value> reference::linearLossGradients(OpBuilder &b, Location loc,
                                                  Value du, Value hidden,
                                                  Value classifier,
                                                  TypeRange resultTypes) {
  MLIRContext *ctx = b.getContext();
  Type acc = cast<RankedTensorType>(du.getType()).getElementType();
  SmallVector<OpFoldResult> nd = getSizes(b, loc, hidden);
  SmallVector<OpFoldResult> vd = getSizes(b, loc, classifier);
  // The summed dimension comes second, so that the innermost loop runs
  // along the rows of hidden and classifier.
  AffineExpr r, k, d;
  bindDims(ctx, r, k, d);
  auto map = [&](ArrayRef<AffineExpr> exprs) {
    return AffineMap::get(3, 0, exprs, ctx);
  };
  SmallVector<IteratorType> iterators = {
      IteratorType::parallel, IteratorType::reduction, IteratorType::parallel};
  // grad_hidden[i, d] = sum_c du[i, c] classifier[c, d].
  Value gradHidden = contract(
      b, loc, du, classifier, filledTensor(b, loc, {nd[0], nd[1]}, acc, 0.0),
      {map({r, k}), map({k, d}), map({r, d})}, iterators);
  // grad_classifier[c, d] = sum_i du[i, c] hidden[i, d].
  Value gradClassifier = contract(
      b, loc, du, hidden, filledTensor(b, loc, {vd[0], vd[1]}, acc, 0.0),
      {map({k, r}), map({k, d}), map({r, d})}, iterators);
  SmallVector<Value> results = {
      castTensor(b, loc, gradHidden, cast<RankedTensorType>(resultTypes[0])),
      castTensor(b, loc, gradClassifier,
                 cast<RankedTensorType>(resultTypes[1]))};
  if (resultTypes.size() > 2) {
    Value gradBias =
        reduceAxis(b, loc, du, 0, {}, {0.0},
                   [](OpBuilder &nb, Location l, Value x, ValueRange,
                      ValueRange accs) -> SmallVector<Value> {
                     return {arith::AddFOp::create(nb, l, accs[0], x)};
                   })[0];
    results.push_back(
        castTensor(b, loc, gradBias, cast<RankedTensorType>(resultTypes[2])));
  }
  return results;
}

namespace {

struct LowerLinearCrossEntropyGrad final
    : OpRewritePattern<LinearCrossEntropyGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LinearCrossEntropyGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value hidden = op.getHidden(), classifier = op.getClassifier();
    FloatType acc = accumulatorType(op.getHidden().getType().getElementType());
    LossAttrs attrs = LossAttrs::get(op);
    std::optional<double> softcap = softcapOf(op);
    Value classes = tensor::DimOp::create(rewriter, loc, classifier, 0);

    // 1-2. The logits and their log-sum-exp.
    Value z = linearLogits(rewriter, loc, hidden, classifier, op.getBias(),
                           softcap, acc);
    Value lse = op.getLse()
                    ? castTensor(rewriter, loc, op.getLse(),
                                 RankedTensorType::get(
                                     op.getLse().getType().getShape(), acc))
                    : logSumExpRows(rewriter, loc, z);

    // 3-4. The gradient with respect to the logits, [N, V]; a kind other
    // than cross-entropy needs the label's logit and, with smoothing, T.
    double e = attrs.exponent;
    bool smoothing = attrs.labelSmoothing != 0.0;
    Value labelLogit, powerSum;
    if (e != 0.0)
      labelLogit = labelLogits(rewriter, loc, z, op.getLabels());
    if (e != 0.0 && smoothing)
      powerSum = weightedClassSum(rewriter, loc, z, lse, op.getWeights(),
                                  [&](OpBuilder &nb, Location l, Value logP) {
                                    return compSumScale(nb, l, logP, e);
                                  });
    LossGradCoefficients coefficients = lossGradCoefficients(
        rewriter, loc, op.getLabels(), op.getWeights(), attrs, classes, lse,
        op.getGradLoss(), labelLogit, powerSum);
    LogitGradTerms terms;
    terms.smoothing = smoothing;
    terms.exponent = e;
    Value du = logitGrad(rewriter, loc, z, lse, coefficients, op.getLabels(),
                         op.getWeights(),
                         arith::ConstantIndexOp::create(rewriter, loc, 0),
                         classes, softcap, terms);

    // 5. The contractions.
    rewriter.replaceOp(op,
                       linearLossGradients(rewriter, loc, du, hidden,
                                           classifier, op.getResultTypes()));
    return success();
  }
};

} // namespace

void mlir::attic::populateLossGradReferencePatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerLinearCrossEntropyGrad>(patterns.getContext());
}
