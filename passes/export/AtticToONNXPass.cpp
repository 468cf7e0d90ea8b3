//===- AtticToONNXPass.cpp - The attic-to-onnx pass -----------------------===//

#include "passes/Passes.h"
#include "passes/export/Transforms.h"

#include "dialects/onnx/ONNXDialect.h"

#include "mlir/IR/PatternMatch.h"

namespace mlir::attic {
#define GEN_PASS_DEF_ATTICTOONNXPASS
#include "passes/Passes.h.inc"
} // namespace mlir::attic

using namespace mlir;

namespace mlir::attic {
namespace {
struct AtticToONNXPass final : impl::AtticToONNXPassBase<AtticToONNXPass> {
  using Base::Base;
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    if (failed(lowerAtticToONNX(rewriter, getOperation())))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::attic
