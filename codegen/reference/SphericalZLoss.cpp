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
// linear_cross_entropy's reference does.
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
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::reference;

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

Value reference::finishSphericalZLoss(OpBuilder &b, Location loc, Value labels,
                                      Value weights,
                                      const SphericalAttrs &attrs,
                                      Value numClasses,
                                      const SphericalStats &stats,
                                      RankedTensorType lossType) {
  auto posType = cast<RankedTensorType>(stats.offset.getType());
  Type acc = posType.getElementType();
  SmallVector<OpFoldResult> posSizes = getSizes(b, loc, stats.offset);
  AffineMap posId = b.getMultiDimIdentityMap(posType.getRank());
  Value numClassesF =
      arith::SIToFPOp::create(b, loc, acc, toI64(b, loc, numClasses));
  Value init = emptyTensor(b, loc, posSizes, acc);
  auto perPosition = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType(), init.getType()},
      ValueRange{labels, stats.offset, stats.squares}, ValueRange{init, init},
      SmallVector<AffineMap>(5, posId),
      SmallVector<utils::IteratorType>(posType.getRank(),
                                       utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value label = toI64(nb, l, args[0]);
        Value zero = constF(nb, l, acc, 0.0);
        Value weight = labelWeight(nb, l, weights, label, numClasses, acc);
        Value valid = countsLabel(nb, l, label, attrs.ignoreIndex);
        Value applied = arith::SelectOp::create(nb, l, valid, weight, zero);
        // zhat = (x_y - mean) / sigma, 0 where sigma is 0.
        Value sigma = math::SqrtOp::create(
            nb, l, arith::DivFOp::create(nb, l, args[2], numClassesF));
        Value zhat = arith::DivFOp::create(
            nb, l, arith::NegFOp::create(nb, l, args[1]), sigma);
        Value flat = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ,
                                           sigma, zero);
        zhat = arith::SelectOp::create(nb, l, flat, zero, zhat);
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

namespace {

/// The spherical Z-loss of `logits` `[N, C, d...]` against `labels`
/// `[N, d...]`.
Value buildSphericalZLoss(OpBuilder &b, Location loc, Value logits,
                          Value labels, Value weights,
                          const SphericalAttrs &attrs,
                          RankedTensorType lossType) {
  auto type = cast<RankedTensorType>(logits.getType());
  FloatType acc = accumulatorType(type.getElementType());
  SmallVector<OpFoldResult> sizes = getSizes(b, loc, logits);
  Value numClasses = getValueOrCreateConstantIndexOp(b, loc, sizes[1]);
  SmallVector<OpFoldResult> posSizes = sizes;
  posSizes.erase(posSizes.begin() + 1);
  AffineMap posId = b.getMultiDimIdentityMap(posSizes.size());

  // 1. The label's logit.
  Value labelLogit = labelLogits(b, loc, logits, labels);
  // 2. The mean relative to it, then the squared deviations from the mean.
  Value sums =
      weightedClassSum(b, loc, logits, labelLogit, Value(),
                       [](OpBuilder &, Location, Value x) { return x; });
  SphericalStats stats;
  auto means = linalg::GenericOp::create(
      b, loc, TypeRange{sums.getType(), sums.getType()},
      ValueRange{sums, labelLogit},
      ValueRange{emptyTensor(b, loc, posSizes, acc),
                 emptyTensor(b, loc, posSizes, acc)},
      SmallVector<AffineMap>(4, posId),
      SmallVector<utils::IteratorType>(posSizes.size(),
                                       utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value count =
            arith::SIToFPOp::create(nb, l, acc, toI64(nb, l, numClasses));
        Value offset = arith::DivFOp::create(nb, l, args[0], count);
        linalg::YieldOp::create(
            nb, l,
            ValueRange{offset, arith::AddFOp::create(nb, l, args[1], offset)});
      });
  stats.offset = means.getResult(0);
  stats.squares = weightedClassSum(
      b, loc, logits, means.getResult(1), Value(),
      [](OpBuilder &nb, Location l, Value deviation) -> Value {
        return arith::MulFOp::create(nb, l, deviation, deviation);
      });
  // 3. The loss.
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
    Location loc = op.getLoc();
    Value logits = linearLogitsOf(rewriter, op);
    rewriter.replaceOp(op, buildSphericalZLoss(rewriter, loc, logits,
                                               op.getLabels(), op.getWeights(),
                                               SphericalAttrs::get(op),
                                               op.getLoss().getType()));
    return success();
  }
};

} // namespace

void mlir::attic::populateSphericalZLossReferencePatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerSphericalZLoss, LowerLinearSphericalZLoss>(
      patterns.getContext());
}
