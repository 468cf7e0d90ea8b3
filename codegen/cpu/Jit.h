//===- Jit.h - Compile and call Attic functions in-process ------*- C++ -*-===//
//
// The CPU pipeline behind the MLIR ExecutionEngine: a function on ranked
// tensors is lowered, compiled for the host and called on HostArrays.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_CODEGEN_CPU_JIT_H
#define ATTIC_CODEGEN_CPU_JIT_H

#include "codegen/cpu/Compile.h"
#include "codegen/cpu/HostArray.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace mlir::attic::cpu {

/// One function of a module, compiled for the host CPU.
class JitFunction {
public:
  /// Compiles `function` of a copy of `module`: first the textual pass
  /// pipeline `prePipeline` (e.g. a form pass; none when empty) on the
  /// module, then buildCpuPipeline with `options`. The function must be
  /// defined and take and return ranked tensors only. Errors say which step
  /// failed and why.
  static llvm::Expected<std::unique_ptr<JitFunction>>
  compile(ModuleOp module, StringRef function, StringRef prePipeline = "",
          const CpuPipelineOptions &options = {});

  /// Compiles every public function of a copy of `module` into one engine,
  /// in the module's order, as compile() does for one.
  static llvm::Expected<SmallVector<std::unique_ptr<JitFunction>>>
  compileAll(ModuleOp module, StringRef prePipeline = "",
             const CpuPipelineOptions &options = {});

  ~JitFunction();

  StringRef getName() const { return name; }

  ArrayRef<RankedTensorType> getArgumentTypes() const { return argTypes; }
  ArrayRef<RankedTensorType> getResultTypes() const { return resultTypes; }

  /// Calls the function. Arguments must match the argument types (element
  /// type, rank, and every static size).
  llvm::Expected<SmallVector<HostArray>> call(ArrayRef<HostArray> args);

  /// Milliseconds the compiled code itself took in the last call: the
  /// results' allocation included, their copy into host arrays not.
  double getLastCallMs() const { return lastCallMs; }

private:
  JitFunction() = default;

  static llvm::Expected<SmallVector<std::unique_ptr<JitFunction>>>
  compileFunctions(ModuleOp module, ArrayRef<func::FuncOp> funcs,
                   StringRef prePipeline, const CpuPipelineOptions &options);

  std::string name;
  SmallVector<RankedTensorType> argTypes, resultTypes;
  /// Shared by the functions compiled together.
  std::shared_ptr<ExecutionEngine> engine;
  double lastCallMs = 0;
};

} // namespace mlir::attic::cpu

#endif // ATTIC_CODEGEN_CPU_JIT_H
