//===- Pipeline.cpp - From attic on tensors to NVIDIA GPU code ------------===//

#include "codegen/gpu/Pipeline.h"
#include "codegen/cpu/Pipeline.h"
#include "passes/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include <cstdlib>

using namespace mlir;

std::string attic::defaultCudaToolkit() {
  if (const char *home = std::getenv("CUDA_HOME"); home && *home)
    return home;
  return "/usr/local/cuda";
}

bool attic::isCudaChip(StringRef chip) {
  unsigned version;
  return chip.consume_front("sm_") && !chip.getAsInteger(10, version) &&
         version >= 50;
}

void attic::addCudaKernelPasses(OpPassManager &pm,
                                const CudaPipelineOptions &options) {
  // Tensors: kernels for the forms, loops for everything else.
  if (options.formKernels) {
    pm.addPass(createLowerFormsToGpuPass());
    // As gpu.launch_func, whose effects buffer deallocation can see.
    pm.addPass(createGpuKernelOutliningPass());
  }
  addTensorLoweringPasses(pm);
  addBufferizationPasses(pm);

  // Loops onto the GPU, kernels outlined.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(
      createGpuMapParallelLoopsPass({options.blockSize}));
  pm.addNestedPass<func::FuncOp>(createConvertParallelLoopToGpuPass());
  pm.addPass(createGpuLaunchSinkIndexComputationsPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void attic::buildCudaPipeline(OpPassManager &pm,
                              const CudaPipelineOptions &options) {
  addCudaKernelPasses(pm, options);

  // Device code: NVVM, then a binary for the chip.
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.optLevel = 3;
  pm.addPass(createGpuNVVMAttachTarget(target));
  OpPassManager &device = pm.nest<gpu::GPUModuleOp>();
  device.addPass(memref::createExpandStridedMetadataPass());
  device.addPass(createLowerAffinePass());
  device.addPass(createSCFToControlFlowPass());
  device.addPass(createConvertGpuOpsToNVVMOps());
  device.addPass(createCanonicalizerPass());
  device.addPass(createCSEPass());
  device.addPass(createReconcileUnrealizedCastsPass());
  GpuModuleToBinaryPassOptions binary;
  binary.toolkitPath = options.toolkit.empty() ? defaultCudaToolkit()
                                               : options.toolkit.getValue();
  binary.compilationTarget = options.format;
  pm.addPass(createGpuModuleToBinaryPass(binary));

  // Host code: launches through the mgpu* functions, buffers through the
  // generic allocation functions (first: gpu-to-llvm would allocate with
  // malloc).
  addBuffersToLLVMPasses(pm, [](OpPassManager &host) {
    FinalizeMemRefToLLVMConversionPassOptions memrefs;
    memrefs.useGenericFunctions = true;
    host.addPass(createFinalizeMemRefToLLVMConversionPass(memrefs));
    host.addPass(createGpuToLLVMConversionPass());
  });
}

void attic::buildCudaEmulationPipeline(OpPassManager &pm) {
  addCudaKernelPasses(pm);
  pm.addPass(createGpuEmulatePass());
  addBuffersToLLVMPasses(pm);
}

void attic::registerCudaPipeline() {
  PassPipelineRegistration<CudaPipelineOptions>(
      "attic-cuda-pipeline",
      "Lower attic and tensor IR to the LLVM dialect with NVIDIA GPU kernels",
      [](OpPassManager &pm, const CudaPipelineOptions &options) {
        buildCudaPipeline(pm, options);
      });
  PassPipelineRegistration<>(
      "attic-cuda-emulation-pipeline",
      "Lower attic and tensor IR to the LLVM dialect with the CUDA "
      "pipeline's kernels emulated on the CPU",
      [](OpPassManager &pm) { buildCudaEmulationPipeline(pm); });
}
