//===- CutSphericalZLoss.cpp - The spherical Z-loss in cut form -----------===//
//
// attic.cut_spherical_z_loss and its gradient. The loss needs three numbers
// per token: the label's logit z_y, the mean of the logits and their sum of
// squared deviations. So:
//
//   1. z_y by a gather (one dot product per token), the center of the
//      moments: z - z_y cancels any offset the row's logits share
//   2. the cut statistics' loops (CutCrossEntropy.cpp) carrying, per token,
//      the mean and squared deviations of z - z_y, merged block by block
//   3. forward: the loss from them, as the reference computes it;
//      backward: the per-token coefficients kappa, alpha, beta of
//        dz_c = kappa [c = y] + alpha + beta (z_c - mean),
//      then the gradient loops, each block's du from its recomputed logits
//
// The gradient is dense, so no block is skipped. No tensor holds more than
// block_n x block_v logits.
//
//===----------------------------------------------------------------------===//

#include "codegen/forms/CutCrossEntropy.h"
#include "codegen/forms/Forms.h"
#include "codegen/reference/Builders.h"
#include "codegen/reference/CrossEntropy.h"
#include "dialects/attic/AtticOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::reference;
using namespace mlir::attic::forms;

namespace {

/// Steps 1 and 2: the label's logits and the moments about them, blockwise.
SphericalStats cutSphericalStats(OpBuilder &b, Location loc,
                                 const LinearLossOperands &in, int64_t blockN,
                                 int64_t blockV) {
  SphericalStats stats;
  stats.labelLogit = labelLogitsOf(b, loc, in);
  CutStatisticsRequest request;
  request.logSumExp = false;
  request.momentCenter = stats.labelLogit;
  CutStatistics cut = buildCutStatistics(b, loc, in, blockN, blockV, request);
  stats.offset = cut.momentMean;
  stats.squares = cut.momentSquares;
  AffineMap id1 = b.getMultiDimIdentityMap(1);
  stats.mean = parallelGeneric(
      b, loc, ValueRange{stats.labelLogit, stats.offset},
      emptyTensor(
          b, loc, getSizes(b, loc, stats.offset),
          cast<RankedTensorType>(stats.offset.getType()).getElementType()),
      {id1, id1, id1}, [](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(
            nb, l, Value(arith::AddFOp::create(nb, l, args[0], args[1])));
      });
  return stats;
}

/// What both cut spherical lowerings start from: the operands, steps 1
/// and 2, and the number of classes.
struct CutSpherical {
  LinearLossOperands in;
  SphericalStats stats;
  Value classes;

  template <typename OpTy>
  static CutSpherical prepare(PatternRewriter &rewriter, OpTy op) {
    CutSpherical cut;
    cut.in = {op.getHidden(), op.getClassifier(), op.getLabels(),
              op.getBias(),   op.getWeights(),    softcapOf(op)};
    cut.stats = cutSphericalStats(rewriter, op.getLoc(), cut.in, op.getBlockN(),
                                  op.getBlockV());
    cut.classes =
        tensor::DimOp::create(rewriter, op.getLoc(), cut.in.classifier, 0);
    return cut;
  }
};

struct LowerCutSphericalZLoss final : OpRewritePattern<CutSphericalZLossOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CutSphericalZLossOp op,
                                PatternRewriter &rewriter) const override {
    auto [in, stats, classes] = CutSpherical::prepare(rewriter, op);
    rewriter.replaceOp(
        op, finishSphericalZLoss(rewriter, op.getLoc(), in.labels, in.weights,
                                 SphericalAttrs::get(op), classes, stats,
                                 op.getLoss().getType()));
    return success();
  }
};

struct LowerCutSphericalZLossGrad final
    : OpRewritePattern<CutSphericalZLossGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CutSphericalZLossGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    CutSpherical cut = CutSpherical::prepare(rewriter, op);
    const LinearLossOperands &in = cut.in;
    Value classes = cut.classes;
    const SphericalStats &stats = cut.stats;
    SphericalGradCoefficients co = sphericalGradCoefficients(
        rewriter, loc, in.labels, in.weights, SphericalAttrs::get(op), classes,
        stats, stats.labelLogit, op.getGradLoss());

    // 3. The blocks, each reading its rows of the coefficients.
    enum { kKappa, kAlpha, kBeta, kMean, kLabels };
    SmallVector<Value> perToken = {co.kappa, co.alpha, co.beta, co.mean,
                                   in.labels};
    LinearLossGradients grads = accumulateBlockGradients(
        rewriter, loc, in, op.getBlockN(), op.getBlockV(), perToken,
        [&](OpBuilder &b, Location l, const GradientBlock &blk) {
          SphericalGradCoefficients tile{blk.tiles[kKappa], blk.tiles[kAlpha],
                                         blk.tiles[kBeta], blk.tiles[kMean]};
          return sphericalLogitGrad(b, l, blk.z, tile, blk.tiles[kLabels],
                                    blk.cls, classes, in.softcap);
        });

    SmallVector<Value> results = {
        castTensor(rewriter, loc, grads.hidden, op.getGradHidden().getType()),
        castTensor(rewriter, loc, grads.classifier,
                   op.getGradClassifier().getType())};
    if (grads.bias)
      results.push_back(
          castTensor(rewriter, loc, grads.bias, op.getGradBias().getType()));
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

void mlir::attic::populateCutSphericalZLossLoweringPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerCutSphericalZLoss, LowerCutSphericalZLossGrad>(
      patterns.getContext());
}
