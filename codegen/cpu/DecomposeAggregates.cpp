//===- DecomposeAggregates.cpp - Aggregate linalg ops into their parts ----===//
//
// linalg.softmax has no loop lowering: it stands for a maximum, an
// exponential, a sum and a division, which its AggregatedOpInterface
// produces as linalg ops the rest of the CPU pipeline compiles.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::attic {
#define GEN_PASS_DEF_CPUDECOMPOSEAGGREGATESPASS
#include "passes/Passes.h.inc"
} // namespace mlir::attic

using namespace mlir;

namespace mlir::attic {
namespace {
struct CpuDecomposeAggregatesPass final
    : impl::CpuDecomposeAggregatesPassBase<CpuDecomposeAggregatesPass> {
  void runOnOperation() override {
    SmallVector<linalg::AggregatedOpInterface> aggregates;
    getOperation()->walk(
        [&](linalg::AggregatedOpInterface op) { aggregates.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::AggregatedOpInterface op : aggregates) {
      rewriter.setInsertionPoint(op);
      FailureOr<SmallVector<Value>> parts = op.decomposeOperation(rewriter);
      if (failed(parts)) {
        op->emitError() << "cannot decompose '" << op->getName()
                        << "' into linalg ops";
        return signalPassFailure();
      }
      rewriter.replaceOp(op, *parts);
    }
  }
};
} // namespace
} // namespace mlir::attic
