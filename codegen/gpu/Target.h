//===- Target.h - Compile and run Attic modules on NVIDIA GPUs --*- C++ -*-===//

#ifndef ATTIC_CODEGEN_GPU_TARGET_H
#define ATTIC_CODEGEN_GPU_TARGET_H

#include "codegen/cpu/Jit.h"
#include "codegen/gpu/Pipeline.h"

#include "llvm/Support/Error.h"

namespace mlir::attic::cuda {

/// Lowers `module` in place to the LLVM dialect with its kernels embedded:
/// first the textual pass pipeline `prePipeline` (none when empty), then
/// buildCudaPipeline with `options`. Every public function gets its C
/// interface. Errors say which step failed and the first diagnostic.
llvm::Error lowerForCuda(ModuleOp module, StringRef prePipeline,
                         const CudaPipelineOptions &options);

/// Where libAtticCudaRuntime.so is: $ATTIC_CUDA_RUNTIME, else lib/ beside
/// the running program's bin/ directory.
std::string cudaRuntimePath();

/// The CUDA target of the JIT: buildCudaPipeline with `options`, code that
/// calls libAtticCudaRuntime.so (loaded now; the error says why it cannot
/// be, e.g. that the NVIDIA driver's libcuda.so.1 is missing), arguments
/// copied into managed memory, and the runtime's errors reported after each
/// call.
llvm::Expected<cpu::JitTarget> cudaTarget(const CudaPipelineOptions &options);

/// The kernels of the CUDA target run on the CPU: buildCudaEmulationPipeline
/// and LLVM's OpenMP runtime (its path is fixed at build time). For checking
/// the kernels where there is no GPU.
llvm::Expected<cpu::JitTarget> cudaEmulatorTarget();

} // namespace mlir::attic::cuda

#endif // ATTIC_CODEGEN_GPU_TARGET_H
