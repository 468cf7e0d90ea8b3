//===- Pipeline.h - From attic on tensors to NVIDIA GPU code ----*- C++ -*-===//

#ifndef ATTIC_CODEGEN_GPU_PIPELINE_H
#define ATTIC_CODEGEN_GPU_PIPELINE_H

#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir {
class DialectRegistry;
class OpPassManager;
} // namespace mlir

namespace mlir::attic {

/// Options of the CUDA pipeline, also its textual options
/// (`attic-cuda-pipeline{chip=sm_80 format=isa}`).
struct CudaPipelineOptions : public PassPipelineOptions<CudaPipelineOptions> {
  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("GPU architecture (sm_80, sm_90)"),
                           llvm::cl::init("sm_90")};
  Option<std::string> format{
      *this, "format",
      llvm::cl::desc("What the kernels are compiled to: isa (PTX text), bin "
                     "(a cubin, through ptxas) or fatbin (cubin and PTX)"),
      llvm::cl::init("fatbin")};
  Option<std::string> toolkit{
      *this, "toolkit",
      llvm::cl::desc("CUDA toolkit (libdevice, ptxas); default $CUDA_HOME or "
                     "/usr/local/cuda"),
      llvm::cl::init("")};
  Option<bool> formKernels{
      *this, "form-kernels",
      llvm::cl::desc("Lower form ops to their GPU kernels (otherwise their "
                     "loops are mapped onto the GPU plainly)"),
      llvm::cl::init(true)};
  Option<int64_t> blockSize{
      *this, "block-size",
      llvm::cl::desc("Threads per block of the plainly mapped loops"),
      llvm::cl::init(256)};
};

/// The CUDA toolkit the pipeline uses when none is given: $CUDA_HOME, else
/// /usr/local/cuda.
std::string defaultCudaToolkit();

/// Whether `chip` names an architecture the pipeline targets (sm_NN).
bool isCudaChip(StringRef chip);

/// Adds the passes that take a module of attic and upstream tensor IR to
/// the LLVM dialect with embedded GPU binaries: form ops become kernels
/// (attic-lower-forms-to-gpu), the rest is lowered as for the CPU and
/// bufferized, its parallel loops become kernels too; kernels are outlined
/// into a gpu.module, compiled through NVVM for `chip` and embedded as a
/// gpu.binary; the host code calls the mgpu* runtime functions (Attic's
/// CUDA runtime provides them) and allocates every buffer through
/// `_mlir_memref_to_llvm_alloc`, which that runtime serves with CUDA managed
/// memory, so host and device share all buffers.
void buildCudaPipeline(OpPassManager &pm,
                       const CudaPipelineOptions &options = {});

/// The first part of buildCudaPipeline: the form kernels, the rest lowered
/// and bufferized, its parallel loops mapped onto the GPU, every kernel
/// outlined into a gpu.module (still in the gpu dialect).
void addCudaKernelPasses(OpPassManager &pm,
                         const CudaPipelineOptions &options = {});

/// The CUDA pipeline with its kernels run on the CPU: addCudaKernelPasses,
/// then each launch emulated (attic-gpu-emulate: an OpenMP team per block)
/// and the host code compiled as for the CPU. Checks the kernels -- the
/// forms' and the plainly mapped loops' -- where there is no GPU; the code
/// calls libomp.
void buildCudaEmulationPipeline(OpPassManager &pm);

/// What the pipeline needs registered: the NVVM target, the translations to
/// LLVM IR of host and device code, and the memory effects of a kernel on
/// its buffers (read and write) for gpu.launch_func, which buffer
/// deallocation needs to see (the pipeline outlines the form kernels before
/// bufferization).
void registerCudaExtensions(DialectRegistry &registry);

/// Registers buildCudaPipeline as the `attic-cuda-pipeline` pass pipeline.
void registerCudaPipeline();

} // namespace mlir::attic

#endif // ATTIC_CODEGEN_GPU_PIPELINE_H
