//===- VectorMath.cpp - Vector exponentials as polynomial code ------------===//
//
// LLVM scalarizes llvm.exp on vectors into library calls, one per lane; in
// softmax and attention, whose time is mostly exponentials, that undoes the
// vectorization. MLIR's polynomial approximation keeps them vector code.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::attic {
#define GEN_PASS_DEF_CPUAPPROXIMATEVECTORMATHPASS
#include "passes/Passes.h.inc"
} // namespace mlir::attic

using namespace mlir;

namespace mlir::attic {
namespace {
struct CpuApproximateVectorMathPass final
    : impl::CpuApproximateVectorMathPassBase<CpuApproximateVectorMathPass> {
  void runOnOperation() override {
    SmallVector<Operation *> exps;
    getOperation()->walk([&](math::ExpOp op) {
      auto type = dyn_cast<VectorType>(op.getType());
      if (type && type.getElementType().isF32())
        exps.push_back(op);
    });
    if (exps.empty())
      return;
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns, [](StringRef name) {
      return name == math::ExpOp::getOperationName();
    });
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingOps);
    if (failed(applyOpPatternsGreedily(exps, std::move(patterns), config)))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::attic
