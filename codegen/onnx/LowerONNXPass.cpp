//===- LowerONNXPass.cpp - The onnx dialect to upstream tensor IR ---------===//

#include "codegen/onnx/LowerONNX.h"
#include "dialects/attic/AtticDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::attic {
#define GEN_PASS_DEF_LOWERONNXPASS
#include "passes/Passes.h.inc"
} // namespace mlir::attic

using namespace mlir;

namespace mlir::attic {
namespace {
struct LowerONNXPass final : impl::LowerONNXPassBase<LowerONNXPass> {
  using Base::Base;

  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    if (failed(lowerONNX(rewriter, getOperation())))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::attic
