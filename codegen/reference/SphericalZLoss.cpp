//===- SphericalZLoss.cpp - Reference lowering of the spherical Z-loss ----===//
//
// spherical_z_loss and linear_spherical_z_loss, computed directly:
//   1. the label's logit x_y, gathered
//   2. the mean of x_c - x_y over the classes, then the sum of squared
//      deviations from the mean (two passes, so no cancellation between
//      sum x^2 and C mean^2; x_c - x_y cancels any offset the row shares)
//   3. per position zhat = -(mean - x_y) / sigma and the loss
//      w_y softplus(a (b - zhat)) / a, then the reduction shared with
//      cross-entropy
// linear_spherical_z_loss first materializes the logits, as
// linear_cross_entropy's reference does; its gradient materializes them and
// dz (affine in z per token), then contracts as the cross-entropy gradient
// does. The per-token steps are shared with the cut forms.
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

using utils::IteratorType;

/// softplus(t) = log(1 + exp(t)) as max(t, 0) + log1p(exp(-|t|)), finite
/// for every finite t.
static Value softplus(OpBuilder &b, Location loc, Value t) {
  Type type = t.getType();
  Value positive =
      arith::MaximumFOp::create(b, loc, t, constF(b, loc, type, 0.0));
  Value tail = math::Log1pOp::create(
      b, loc,
      math::ExpOp::create(
          b, loc,
          arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, t))));
  return arith::AddFOp::create(b, loc, positive, tail);
}

/// sigma = sqrt(squares / C) and zhat_y = -offset / sigma (0 where sigma is
/// 0) of one position.
static std::pair<Value, Value> standardizedLabel(OpBuilder &b, Location loc,
                                                 Value offset, Value squares,
                                                 Value numClassesF) {
  Value zero = constF(b, loc, offset.getType(), 0.0);
  Value sigma = math::SqrtOp::create(
      b, loc, arith::DivFOp::create(b, loc, squares, numClassesF));
  Value zhat = arith::DivFOp::create(
      b, loc, arith::NegFOp::create(b, loc, offset), sigma);
  Value flat =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, sigma, zero);
  return {sigma, arith::SelectOp::create(b, loc, flat, zero, zhat)};
}

/// C as a float of `type`.
static Value classCount(OpBuilder &b, Location loc, Value numClasses,
                        Type type) {
  return arith::SIToFPOp::create(b, loc, type, toI64(b, loc, numClasses));
}

SphericalStats reference::sphericalStats(OpBuilder &b, Location loc,
                                         Value logits, Value labels) {
  auto type = cast<RankedTensorType>(logits.getType());
  FloatType acc = accumulatorType(type.getElementType());
  SmallVector<OpFoldResult> posSizes = getSizes(b, loc, logits);
  Value numClasses = getValueOrCreateConstantIndexOp(b, loc, posSizes[1]);
  posSizes.erase(posSizes.begin() + 1);
  AffineMap posId = b.getMultiDimIdentityMap(posSizes.size());

  // 1. The label's logit.
  SphericalStats stats;
  stats.labelLogit = labelLogits(b, loc, logits, labels);
  // 2. The mean relative to it, then the squared deviations from the mean.
  Value sums =
      weightedClassSum(b, loc, logits, stats.labelLogit, Value(),
                       [](OpBuilder &, Location, Value x) { return x; });
  Value init = emptyTensor(b, loc, posSizes, acc);
  auto means = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType(), init.getType()},
      ValueRange{sums, stats.labelLogit}, ValueRange{init, init},
      SmallVector<AffineMap>(4, posId),
      SmallVector<IteratorType>(posSizes.size(), IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value offset = arith::DivFOp::create(
            nb, l, args[0], classCount(nb, l, numClasses, acc));
        linalg::YieldOp::create(
            nb, l,
            ValueRange{offset, arith::AddFOp::create(nb, l, args[1], offset)});
      });
  stats.offset = means.getResult(0);
  stats.mean = means.getResult(1);
  stats.squares = weightedClassSum(
      b, loc, logits, stats.mean, Value(),
      [](OpBuilder &nb, Location l, Value deviation) -> Value {
        return arith::MulFOp::create(nb, l, deviation, deviation);
      });
  return stats;
}

Value reference::finishSphericalZLoss(OpBuilder &b, Location loc, Value labels,
                                      Value weights,
                                      const SphericalAttrs &attrs,
                                      Value numClasses,
                                      const SphericalStats &stats,
                                      RankedTensorType lossType) {
  auto posType = cast<RankedTensorType>(stats.offset.getType());
  Type acc = posType.getElementType();
  AffineMap posId = b.getMultiDimIdentityMap(posType.getRank());
  Value numClassesF = classCount(b, loc, numClasses, acc);
  Value init = emptyTensor(b, loc, getSizes(b, loc, stats.offset), acc);
  auto perPosition = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType(), init.getType()},
      ValueRange{labels, stats.offset, stats.squares}, ValueRange{init, init},
      SmallVector<AffineMap>(5, posId),
      SmallVector<IteratorType>(posType.getRank(), IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value label = toI64(nb, l, args[0]);
        Value zero = constF(nb, l, acc, 0.0);
        Value weight = labelWeight(nb, l, weights, label, numClasses, acc);
        Value valid = countsLabel(nb, l, label, attrs.ignoreIndex);
        Value applied = arith::SelectOp::create(nb, l, valid, weight, zero);
        Value zhat =
            standardizedLabel(nb, l, args[1], args[2], numClassesF).second;
        // softplus(a (b - zhat)) / a.
        Value t = arith::MulFOp::create(
            nb, l, constF(nb, l, acc, attrs.a),
            arith::SubFOp::create(nb, l, constF(nb, l, acc, attrs.b), zhat));
        Value loss = arith::MulFOp::create(
            nb, l, weight,
            arith::DivFOp::create(nb, l, softplus(nb, l, t),
                                  constF(nb, l, acc, attrs.a)));
        loss = arith::SelectOp::create(nb, l, valid, loss, zero);
        linalg::YieldOp::create(nb, l, ValueRange{loss, applied});
      });
  return reduceLosses(b, loc, perPosition.getResult(0),
                      perPosition.getResult(1), attrs.reduction, lossType);
}

SphericalGradCoefficients reference::sphericalGradCoefficients(
    OpBuilder &b, Location loc, Value labels, Value weights,
    const SphericalAttrs &attrs, Value numClasses, const SphericalStats &stats,
    Value labelLogit, Value gradLoss) {
  auto posType = cast<RankedTensorType>(stats.offset.getType());
  auto acc = cast<FloatType>(posType.getElementType());
  Value shares = lossShares(b, loc, labels, weights, attrs.reduction,
                            attrs.ignoreIndex, numClasses, gradLoss, acc);
  Value numClassesF = classCount(b, loc, numClasses, acc);
  AffineMap id = b.getMultiDimIdentityMap(1);
  Value init = emptyTensor(b, loc, getSizes(b, loc, stats.offset), acc);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange(SmallVector<Type>(4, init.getType())),
      ValueRange{labels, shares, stats.offset, stats.squares, labelLogit},
      SmallVector<Value>(4, init), SmallVector<AffineMap>(9, id),
      {IteratorType::parallel},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value label = toI64(nb, l, args[0]);
        Value zero = constF(nb, l, acc, 0.0);
        auto [sigma, zhat] =
            standardizedLabel(nb, l, args[2], args[3], numClassesF);
        // s = sigmoid(a (b - zhat)).
        Value t = arith::MulFOp::create(
            nb, l, constF(nb, l, acc, -attrs.a),
            arith::SubFOp::create(nb, l, constF(nb, l, acc, attrs.b), zhat));
        Value s = arith::DivFOp::create(
            nb, l, constF(nb, l, acc, 1.0),
            arith::AddFOp::create(nb, l, constF(nb, l, acc, 1.0),
                                  math::ExpOp::create(nb, l, t)));
        Value weight = labelWeight(nb, l, weights, label, numClasses, acc);
        // kappa = -g w_y s / sigma; select, so sigma = 0 or an ignored
        // token gives exactly 0.
        Value kappa = arith::NegFOp::create(
            nb, l,
            arith::DivFOp::create(
                nb, l,
                arith::MulFOp::create(
                    nb, l, arith::MulFOp::create(nb, l, args[1], weight), s),
                sigma));
        Value none = arith::OrIOp::create(
            nb, l,
            arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ, sigma,
                                  zero),
            arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ, args[1],
                                  zero));
        kappa = arith::SelectOp::create(nb, l, none, zero, kappa);
        Value alpha = arith::NegFOp::create(
            nb, l, arith::DivFOp::create(nb, l, kappa, numClassesF));
        Value beta = arith::SelectOp::create(
            nb, l, none, zero,
            arith::DivFOp::create(
                nb, l, arith::MulFOp::create(nb, l, alpha, zhat), sigma));
        Value mean = arith::AddFOp::create(nb, l, args[4], args[2]);
        linalg::YieldOp::create(nb, l, ValueRange{kappa, alpha, beta, mean});
      });
  return {generic.getResult(0), generic.getResult(1), generic.getResult(2),
          generic.getResult(3)};
}

Value reference::sphericalLogitGrad(OpBuilder &b, Location loc, Value z,
                                    const SphericalGradCoefficients &co,
                                    Value labels, Value classOffset,
                                    Value numClasses,
                                    std::optional<double> softcap) {
  MLIRContext *ctx = b.getContext();
  Type acc = cast<RankedTensorType>(z.getType()).getElementType();
  AffineMap id = b.getMultiDimIdentityMap(2);
  AffineMap row = AffineMap::get(2, 0, getAffineDimExpr(0, ctx));
  return parallelGeneric(
      b, loc, ValueRange{z, co.kappa, co.alpha, co.beta, co.mean, labels},
      emptyTensor(b, loc, getSizes(b, loc, z), acc),
      {id, row, row, row, row, row, id},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value x = args[0];
        // alpha + beta (z - mean), plus kappa in the label's column.
        Value dz = arith::AddFOp::create(
            nb, l, args[2],
            arith::MulFOp::create(nb, l, args[3],
                                  arith::SubFOp::create(nb, l, x, args[4])));
        Value hit = isLabelColumn(nb, l, classOffset, args[5], numClasses);
        dz = arith::AddFOp::create(
            nb, l, dz,
            arith::SelectOp::create(nb, l, hit, args[1],
                                    constF(nb, l, acc, 0.0)));
        if (softcap)
          dz = arith::MulFOp::create(nb, l, dz,
                                     softcapSlope(nb, l, x, *softcap));
        linalg::YieldOp::create(nb, l, dz);
      });
}

namespace {

/// The spherical Z-loss of `logits` `[N, C, d...]` against `labels`
/// `[N, d...]`.
Value buildSphericalZLoss(OpBuilder &b, Location loc, Value logits,
                          Value labels, Value weights,
                          const SphericalAttrs &attrs,
                          RankedTensorType lossType) {
  Value numClasses =
      getValueOrCreateConstantIndexOp(b, loc, getSizes(b, loc, logits)[1]);
  SphericalStats stats = sphericalStats(b, loc, logits, labels);
  return finishSphericalZLoss(b, loc, labels, weights, attrs, numClasses, stats,
                              lossType);
}

struct LowerSphericalZLoss final : OpRewritePattern<SphericalZLossOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SphericalZLossOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, buildSphericalZLoss(rewriter, op.getLoc(),
                                               op.getLogits(), op.getLabels(),
                                               op.getWeights(),
                                               SphericalAttrs::get(op),
                                               op.getLoss().getType()));
    return success();
  }
};

struct LowerLinearSphericalZLoss final
    : OpRewritePattern<LinearSphericalZLossOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LinearSphericalZLossOp op,
                                PatternRewriter &rewriter) const override {
    Value logits = linearLogitsOf(rewriter, op);
    rewriter.replaceOp(op, buildSphericalZLoss(rewriter, op.getLoc(), logits,
                                               op.getLabels(), op.getWeights(),
                                               SphericalAttrs::get(op),
                                               op.getLoss().getType()));
    return success();
  }
};

struct LowerLinearSphericalZLossGrad final
    : OpRewritePattern<LinearSphericalZLossGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LinearSphericalZLossGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value classes = tensor::DimOp::create(rewriter, loc, op.getClassifier(), 0);
    Value z = linearLogitsOf(rewriter, op);
    SphericalStats stats = sphericalStats(rewriter, loc, z, op.getLabels());
    SphericalGradCoefficients co = sphericalGradCoefficients(
        rewriter, loc, op.getLabels(), op.getWeights(), SphericalAttrs::get(op),
        classes, stats, stats.labelLogit, op.getGradLoss());
    Value du =
        sphericalLogitGrad(rewriter, loc, z, co, op.getLabels(),
                           arith::ConstantIndexOp::create(rewriter, loc, 0),
                           classes, softcapOf(op));
    rewriter.replaceOp(
        op, linearLossGradients(rewriter, loc, du, op.getHidden(),
                                op.getClassifier(), op.getResultTypes()));
    return success();
  }
};

} // namespace

void mlir::attic::populateSphericalZLossReferencePatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerSphericalZLoss, LowerLinearSphericalZLoss,
               LowerLinearSphericalZLossGrad>(patterns.getContext());
}
