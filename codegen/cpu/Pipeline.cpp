//===- Pipeline.cpp - From attic on tensors to LLVM for the CPU -----------===//

#include "codegen/cpu/Pipeline.h"
#include "passes/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void attic::addTensorLoweringPasses(OpPassManager &pm) {
  pm.addPass(createLowerAtticToLinalgPass());
  // Elementwise arith/math ops on whole tensors become linalg.generic, which
  // bufferizes; they appear around attic ops in real programs.
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addPass(createCpuDecomposeAggregatesPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Private functions nothing calls are not compiled.
  pm.addPass(createSymbolDCEPass());
}

void attic::addBufferizationPasses(OpPassManager &pm) {
  pm.addPass(createCpuReadOnlyArgumentsPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  // Loops of the reference lowering carry values they recompute each
  // iteration (top-k's previous choice): those need a fresh buffer.
  bufferize.allowReturnAllocsFromLoops = true;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::buildBufferDeallocationPipeline(pm);
  // The deallocation pipeline may clone a buffer a function returns.
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.addPass(createLowerStridedCopiesPass());
}

void attic::addBuffersToLLVMPasses(
    OpPassManager &pm, function_ref<void(OpPassManager &)> beforeLLVM) {
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  // Multi-dimensional vector reductions and transfers become
  // one-dimensional ones.
  pm.addNestedPass<func::FuncOp>(vector::createLowerVectorMultiReductionPass());
  pm.addPass(createConvertVectorToSCFPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  // bf16 conversions become integer arithmetic: LLVM would call
  // __truncsfbf2, which the host's runtime libraries may lack.
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = true;
  pm.addPass(arith::createArithExpandOpsPass(expand));
  if (beforeLLVM)
    beforeLLVM(pm);
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void attic::buildCpuPipeline(OpPassManager &pm,
                             const CpuPipelineOptions &options) {
  addTensorLoweringPasses(pm);
  if (options.vectorize) {
    pm.addPass(createCpuVectorizePass({options.vectorWidth}));
    // Masked transfers in place of vector.mask regions, which later passes
    // (buffer deallocation) would otherwise add operations to.
    pm.addNestedPass<func::FuncOp>(vector::createLowerVectorMaskPass());
    if (options.approximateVectorMath)
      pm.addPass(createCpuApproximateVectorMathPass());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
  }

  addBufferizationPasses(pm);
  addBuffersToLLVMPasses(pm);
}

void attic::registerCpuPipeline() {
  PassPipelineRegistration<CpuPipelineOptions>(
      "attic-cpu-pipeline",
      "Lower attic and tensor IR to the LLVM dialect for the CPU",
      [](OpPassManager &pm, const CpuPipelineOptions &options) {
        buildCpuPipeline(pm, options);
      });
}
