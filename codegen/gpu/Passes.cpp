//===- Passes.cpp - The GPU codegen passes --------------------------------===//

#include "passes/Passes.h"
#include "codegen/gpu/Kernels.h"
#include "dialects/attic/AtticOps.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::attic {
#define GEN_PASS_DEF_GPUMAPPARALLELLOOPSPASS
#define GEN_PASS_DEF_LOWERFORMSTOGPUPASS
#include "passes/Passes.h.inc"
} // namespace mlir::attic

using namespace mlir;
using namespace mlir::attic;

namespace {

/// attic.online_softmax or attic.two_pass_softmax.
template <typename OpTy>
struct SoftmaxFormToGpu final : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    return cuda::lowerSoftmaxFormToGpu(rewriter, op);
  }
};

/// An op with a kernel of its own, lowered by `lower`.
template <typename OpTy, LogicalResult (*lower)(RewriterBase &, OpTy)>
struct KernelToGpu final : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    return lower(rewriter, op);
  }
};

} // namespace

void cuda::populateFormToGpuPatterns(RewritePatternSet &patterns) {
  patterns.add<
      SoftmaxFormToGpu<OnlineSoftmaxOp>, SoftmaxFormToGpu<TwoPassSoftmaxOp>,
      KernelToGpu<FlashAttentionOp, lowerFlashAttentionToGpu>,
      KernelToGpu<LinearizedAttentionOp, lowerLinearizedAttentionToGpu>,
      KernelToGpu<ChunkedLinearAttentionOp, lowerChunkedLinearAttentionToGpu>>(
      patterns.getContext());
  forms::populateCutCrossEntropyLoweringPatterns(
      patterns,
      [](OpBuilder &b, Location loc, const forms::LinearLossOperands &in,
         int64_t, int64_t, const forms::CutStatisticsRequest &request) {
        return buildCutStatisticsOnGpu(b, loc, in, request);
      });
  forms::populateCutCrossEntropyGradLoweringPatterns(
      patterns,
      [](OpBuilder &b, Location loc, const forms::CutGradientBlocks &spec) {
        return buildCutGradientBlocksOnGpu(b, loc, spec);
      });
}

namespace mlir::attic {
namespace {

struct LowerFormsToGpuPass final
    : impl::LowerFormsToGpuPassBase<LowerFormsToGpuPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    cuda::populateFormToGpuPatterns(patterns);
    // Each op is rewritten once; the kernels' own ops match nothing.
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingOps);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      return signalPassFailure();
  }
};

struct GpuMapParallelLoopsPass final
    : impl::GpuMapParallelLoopsPassBase<GpuMapParallelLoopsPass> {
  using Base::Base;
  void runOnOperation() override {
    if (blockSize < 1 || blockSize > 1024) {
      getOperation().emitError()
          << "attic-gpu-map-parallel-loops: block-size must be in [1, 1024], "
             "got "
          << blockSize;
      return signalPassFailure();
    }
    SmallVector<scf::ParallelOp> outermost;
    getOperation().walk([&](scf::ParallelOp loop) {
      if (!loop->getParentOfType<scf::ParallelOp>() &&
          !loop->getParentOfType<gpu::LaunchOp>())
        outermost.push_back(loop);
    });
    MLIRContext *ctx = &getContext();
    AffineMap identity = AffineMap::getMultiDimIdentityMap(1, ctx);
    auto mapping = [&](gpu::Processor processor) {
      return gpu::ParallelLoopDimMappingAttr::get(ctx, processor, identity,
                                                  identity);
    };
    IRRewriter rewriter(ctx);
    for (scf::ParallelOp loop : outermost) {
      unsigned dims = loop.getNumLoops();
      if (dims > 1) {
        std::vector<unsigned> all(dims);
        for (unsigned d = 0; d < dims; ++d)
          all[d] = d;
        rewriter.setInsertionPoint(loop);
        // collapseParallelLoops replaces the loop; find its replacement.
        Operation *before = loop->getPrevNode();
        Block *block = loop->getBlock();
        collapseParallelLoops(rewriter, loop, {all});
        Operation *next = before ? before->getNextNode() : &block->front();
        while (next && !isa<scf::ParallelOp>(next))
          next = next->getNextNode();
        if (!next) {
          getOperation().emitError("attic-gpu-map-parallel-loops: a "
                                   "collapsed loop was not found");
          return signalPassFailure();
        }
        loop = cast<scf::ParallelOp>(next);
      }
      scf::ParallelOp blocks, threads;
      std::tie(blocks, threads) =
          scf::tileParallelLoop(loop, {blockSize}, /*noMinMaxBounds=*/true);
      if (failed(
              gpu::setMappingAttr(blocks, mapping(gpu::Processor::BlockX))) ||
          failed(
              gpu::setMappingAttr(threads, mapping(gpu::Processor::ThreadX)))) {
        getOperation().emitError("attic-gpu-map-parallel-loops: cannot map "
                                 "a loop onto blocks and threads");
        return signalPassFailure();
      }
      threads.walk([&](scf::ParallelOp nested) {
        if (nested == threads)
          return;
        SmallVector<gpu::ParallelLoopDimMappingAttr> sequential(
            nested.getNumLoops(), mapping(gpu::Processor::Sequential));
        (void)gpu::setMappingAttr(nested, sequential);
      });
    }
  }
};

} // namespace
} // namespace mlir::attic
