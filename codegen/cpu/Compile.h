//===- Compile.h - Lower Attic modules for the CPU and emit them -*- C++
//-*-===//
//
// The steps shared by in-process (JIT) and ahead-of-time compilation: the
// CPU pipeline run on a module with its errors turned into messages, and,
// for ahead-of-time compilation, an object file and a C header describing
// its entry points.
//
// Every public function becomes callable from C through its C interface
//   void _mlir_ciface_<name>([Results *results,] Memref *arg0, ...);
// where a tensor crosses as a memref descriptor
//   struct { T *allocated, *aligned; int64_t offset, sizes[R], strides[R]; }
// and results (one descriptor, or a struct of one per result) are written
// through the first pointer. Result buffers are allocated with malloc; the
// caller frees `allocated`.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_CODEGEN_CPU_COMPILE_H
#define ATTIC_CODEGEN_CPU_COMPILE_H

#include "codegen/cpu/HostArray.h"
#include "codegen/cpu/Pipeline.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace llvm {
class raw_pwrite_stream;
} // namespace llvm

namespace mlir {
class OpPassManager;
class ScopedDiagnosticHandler;
namespace func {
class FuncOp;
} // namespace func
} // namespace mlir

namespace mlir::attic::cpu {

/// Records the first error diagnostic emitted in a context while it lives, as
/// one line: "file:line:col: message".
class FirstErrorRecorder {
public:
  explicit FirstErrorRecorder(MLIRContext *ctx);
  ~FirstErrorRecorder();
  /// The recorded line, empty when no error was emitted.
  const std::string &get() const { return first; }

private:
  std::string first;
  std::unique_ptr<ScopedDiagnosticHandler> handler;
};

/// Checks that `func` can be called through its C interface by Attic's
/// drivers: it is defined and takes and returns ranked tensors of f16, bf16,
/// f32, f64, i1, i8, i16, i32 or i64 only.
llvm::Error checkCallable(func::FuncOp func);

/// Checks that `array` can be passed as a value of `type`; the error names
/// the argument by `what`.
llvm::Error checkArgument(const HostArray &array, RankedTensorType type,
                          const llvm::Twine &what);

/// Parses and verifies the module in the file at `path` (`-` for stdin);
/// the error is the first diagnostic, or says the file cannot be read.
llvm::Expected<OwningOpRef<ModuleOp>> parseModuleFile(MLIRContext *ctx,
                                                      StringRef path);

/// Runs the textual pass pipeline `pipeline` on `module`; a failure says
/// `what` failed (by default, the pipeline) and the first diagnostic.
llvm::Error runPassPipeline(ModuleOp module, StringRef pipeline,
                            StringRef what = "");

/// Lowers `module` in place to the LLVM dialect: first the textual pass
/// pipeline `prePipeline` (none when empty), then the passes `build` adds.
/// Every public function gets its C interface. Errors say that `what`
/// failed (e.g. "lowering for the CPU") and the first diagnostic.
llvm::Error lowerModule(ModuleOp module, StringRef prePipeline, StringRef what,
                        function_ref<void(OpPassManager &)> build);

/// Lowers `module` in place to the LLVM dialect: first the textual pass
/// pipeline `prePipeline` (none when empty), then buildCpuPipeline with
/// `options`. Every public function gets its C interface. Errors say which
/// step failed and the first diagnostic.
llvm::Error lowerForCpu(ModuleOp module, StringRef prePipeline,
                        const CpuPipelineOptions &options);

/// Where ahead-of-time code runs: the target CPU (`host` for this machine's,
/// or an LLVM CPU name such as `x86-64-v3`) and its features.
struct CpuTarget {
  std::string cpu = "host";
};

/// Translates `module`, already lowered by lowerForCpu, to LLVM IR,
/// optimizes it at -O3 for `target` and writes a position-independent
/// object file to `os`, ready to link into a shared library.
llvm::Error emitObjectFile(ModuleOp module, const CpuTarget &target,
                           llvm::raw_pwrite_stream &os);

/// Writes a C header declaring the C interface of every public function of
/// `module` (before lowering), with a descriptor type per tensor type and a
/// results struct per function of several results. `guard` names the
/// include guard.
llvm::Error emitCHeader(ModuleOp module, StringRef guard, raw_ostream &os);

} // namespace mlir::attic::cpu

#endif // ATTIC_CODEGEN_CPU_COMPILE_H
