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
    AtticToONNXOptions options;
    if (attentionOp == "com.microsoft") {
      options.microsoftAttention = true;
    } else if (attentionOp != "onnx") {
      getOperation()->emitError()
          << "attic-to-onnx: attention-op must be onnx or com.microsoft, got '"
          << attentionOp << "'";
      return signalPassFailure();
    }
    IRRewriter rewriter(&getContext());
    if (failed(lowerAtticToONNX(rewriter, getOperation(), options)))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::attic
