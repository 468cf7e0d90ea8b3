//===- ReadOnlyArguments.cpp - Functions leave their arguments alone ------===//

#include "passes/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::attic {
#define GEN_PASS_DEF_CPUREADONLYARGUMENTSPASS
#include "passes/Passes.h.inc"
} // namespace mlir::attic

using namespace mlir;

namespace mlir::attic {
namespace {
struct CpuReadOnlyArgumentsPass final
    : impl::CpuReadOnlyArgumentsPassBase<CpuReadOnlyArgumentsPass> {
  using Base::Base;
  void runOnOperation() override {
    StringRef name = bufferization::BufferizationDialect::kWritableAttrName;
    BoolAttr readOnly = BoolAttr::get(&getContext(), false);
    getOperation()->walk([&](func::FuncOp func) {
      if (func.isExternal())
        return;
      for (BlockArgument arg : func.getArguments())
        if (isa<TensorType>(arg.getType()) &&
            !func.getArgAttr(arg.getArgNumber(), name))
          func.setArgAttr(arg.getArgNumber(), name, readOnly);
    });
  }
};
} // namespace
} // namespace mlir::attic
