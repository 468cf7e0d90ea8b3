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

#include <functional>
#include <memory>
#include <string>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace mlir::attic::cpu {

/// Where compiled functions run: the host CPU, or the host driving an
/// accelerator through a runtime library.
struct JitTarget {
  /// Lowers a module (after the pre-pipeline) in place to the LLVM dialect.
  std::function<llvm::Error(ModuleOp)> lower;
  /// Shared libraries the compiled code calls into.
  SmallVector<std::string> sharedLibraries;
  /// Allocates a buffer the compiled code can read, into which arguments
  /// are copied; when empty, arguments are passed in place.
  std::function<void *(size_t)> allocate;
  /// Frees result buffers (and the argument copies).
  std::function<void(void *)> release;
  /// Called on each argument copy once written (e.g. to move it to the
  /// device before the call is timed).
  std::function<void(void *, size_t)> prepareArgument;
  /// The most accelerator memory held at once since the last reset, and
  /// the reset; empty where the target does not track it.
  std::function<size_t()> peakBytes;
  std::function<void()> resetPeak;
  /// After each call: an error the compiled code reported, if any.
  std::function<std::optional<std::string>()> takeError;
};

/// The host CPU through buildCpuPipeline with `options`.
JitTarget cpuTarget(const CpuPipelineOptions &options = {});

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

  /// compile() for `target`.
  static llvm::Expected<std::unique_ptr<JitFunction>>
  compile(ModuleOp module, StringRef function, StringRef prePipeline,
          const JitTarget &target);

  /// Compiles every public function of a copy of `module` into one engine,
  /// in the module's order, as compile() does for one.
  static llvm::Expected<SmallVector<std::unique_ptr<JitFunction>>>
  compileAll(ModuleOp module, StringRef prePipeline = "",
             const CpuPipelineOptions &options = {});

  /// compileAll() for `target`.
  static llvm::Expected<SmallVector<std::unique_ptr<JitFunction>>>
  compileAll(ModuleOp module, StringRef prePipeline, const JitTarget &target);

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

  /// The target this function was compiled for.
  const JitTarget &getTarget() const { return *target; }

private:
  JitFunction() = default;

  static llvm::Expected<SmallVector<std::unique_ptr<JitFunction>>>
  compileFunctions(ModuleOp module, ArrayRef<func::FuncOp> funcs,
                   StringRef prePipeline, const JitTarget &target);

  std::string name;
  SmallVector<RankedTensorType> argTypes, resultTypes;
  /// Shared by the functions compiled together.
  std::shared_ptr<ExecutionEngine> engine;
  std::shared_ptr<const JitTarget> target;
  double lastCallMs = 0;
};

} // namespace mlir::attic::cpu

#endif // ATTIC_CODEGEN_CPU_JIT_H
