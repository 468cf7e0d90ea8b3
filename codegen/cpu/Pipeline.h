//===- Pipeline.h - From attic on tensors to LLVM for the CPU ---*- C++ -*-===//

#ifndef ATTIC_CODEGEN_CPU_PIPELINE_H
#define ATTIC_CODEGEN_CPU_PIPELINE_H

namespace mlir {
class OpPassManager;
class RewritePatternSet;
} // namespace mlir

namespace mlir::attic {

/// Adds the passes that take a module of attic and upstream tensor IR to the
/// LLVM dialect: the reference lowering of remaining attic ops, elementwise
/// tensor ops to linalg, one-shot bufferization with identity-layout function
/// boundaries, buffer deallocation, loops, and the conversion to LLVM.
void buildCpuPipeline(OpPassManager &pm);

/// memref.copy between buffers of which one is not contiguous becomes
/// linalg.copy (loops) instead of a call into MLIR's runtime library.
void populateStridedCopyPatterns(RewritePatternSet &patterns);

/// Registers buildCpuPipeline as the `attic-cpu-pipeline` pass pipeline.
void registerCpuPipeline();

} // namespace mlir::attic

#endif // ATTIC_CODEGEN_CPU_PIPELINE_H
