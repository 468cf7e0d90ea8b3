//===- Pipeline.h - From attic on tensors to LLVM for the CPU ---*- C++ -*-===//

#ifndef ATTIC_CODEGEN_CPU_PIPELINE_H
#define ATTIC_CODEGEN_CPU_PIPELINE_H

#include "mlir/Pass/PassOptions.h"
#include "mlir/Support/LLVM.h"

namespace mlir {
class OpPassManager;
class RewritePatternSet;
class RewriterBase;
namespace linalg {
class LinalgOp;
} // namespace linalg
} // namespace mlir

namespace mlir::attic {

/// Options of the CPU pipeline, also its textual options
/// (`attic-cpu-pipeline{vectorize=0}`).
struct CpuPipelineOptions : public PassPipelineOptions<CpuPipelineOptions> {
  Option<bool> vectorize{*this, "vectorize",
                         llvm::cl::desc("Tile and vectorize linalg ops"),
                         llvm::cl::init(true)};
  Option<int64_t> vectorWidth{
      *this, "vector-width",
      llvm::cl::desc("Elements per vector along the innermost loop"),
      llvm::cl::init(16)};
  Option<bool> approximateVectorMath{
      *this, "approximate-vector-math",
      llvm::cl::desc("Expand f32 vector exponentials into polynomial code "
                     "instead of a library call per lane"),
      llvm::cl::init(true)};
};

/// Adds the passes that take a module of attic and upstream tensor IR to the
/// LLVM dialect: the reference lowering of remaining attic ops, elementwise
/// tensor ops to linalg, tiling and vectorization, one-shot bufferization
/// with identity-layout function boundaries, buffer deallocation, loops and
/// vector lowering, and the conversion to LLVM.
void buildCpuPipeline(OpPassManager &pm,
                      const CpuPipelineOptions &options = {});

/// The first passes of the pipeline, shared with other targets: the
/// reference and form lowering of remaining attic ops, elementwise tensor
/// ops to linalg, aggregates (linalg.softmax) decomposed, and cleanups.
void addTensorLoweringPasses(OpPassManager &pm);

/// Bufferization as every target's host code needs it: arguments kept
/// read-only, one-shot bufferization with identity-layout function
/// boundaries, buffer deallocation, and strided copies as linalg.copy.
void addBufferizationPasses(OpPassManager &pm);

/// The last passes of the pipeline: bufferized linalg, vector, scf and
/// memref code (and OpenMP) to the LLVM dialect; `beforeLLVM`, when given,
/// adds passes just before the conversions to LLVM (another target's host
/// conversions).
void addBuffersToLLVMPasses(
    OpPassManager &pm,
    function_ref<void(OpPassManager &)> beforeLLVM = nullptr);

/// Tiles `op` (on tensors) so that each tile is one vector of `width`
/// elements along its innermost non-unit loop, every other loop stepping by
/// one, and vectorizes the tiles (masked where the loop is not a multiple of
/// the width). An innermost reduction accumulates into `width` partial
/// results merged after the loop. Tiles the vectorizer rejects stay scalar.
/// Fails, leaving `op` unchanged, when it cannot be tiled.
LogicalResult tileAndVectorize(RewriterBase &rewriter, linalg::LinalgOp op,
                               int64_t width);

/// memref.copy between buffers of which one is not contiguous becomes
/// linalg.copy (loops) instead of a call into MLIR's runtime library.
void populateStridedCopyPatterns(RewritePatternSet &patterns);

/// Registers buildCpuPipeline as the `attic-cpu-pipeline` pass pipeline.
void registerCpuPipeline();

} // namespace mlir::attic

#endif // ATTIC_CODEGEN_CPU_PIPELINE_H
