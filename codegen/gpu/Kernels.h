//===- Kernels.h - Attic's form ops as NVIDIA GPU kernels -------*- C++ -*-===//
//
// Each function replaces one form op, on tensors, by a gpu.launch of a
// kernel mapped onto the hardware for it (see KernelBuilder.h for the shape
// of the replacement), or fails, leaving the op alone, when the op is
// outside what the kernel covers; such ops take their loop lowering later,
// and the pipeline maps those loops onto the GPU plainly.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_CODEGEN_GPU_KERNELS_H
#define ATTIC_CODEGEN_GPU_KERNELS_H

#include "codegen/forms/CutCrossEntropy.h"

#include "mlir/Support/LLVM.h"

namespace mlir {
class OpBuilder;
class Operation;
class RewritePatternSet;
class RewriterBase;
} // namespace mlir

namespace mlir::attic {
class ChunkedLinearAttentionOp;
class FlashAttentionOp;
class LinearizedAttentionOp;
} // namespace mlir::attic

namespace mlir::attic::cuda {

/// attic.online_softmax or attic.two_pass_softmax: a thread block per row
/// (up to 1024 threads, strided over the row), the row's pair of the form
/// reduced by warp shuffles and then across warps through shared memory,
/// and a second strided pass writing softmax or log_softmax (logsumexp: one
/// thread writes the row's value).
LogicalResult lowerSoftmaxFormToGpu(RewriterBase &rewriter, Operation *op);

/// attic.flash_attention with static head sizes D and Dv: a thread block
/// per (query block of `block_q` rows -- at most 1024 / G, and rounded up
/// so that the block is whole warps -- head, batch); each query row is
/// handled by a group of G lanes (G a power of two dividing D and Dv), each
/// holding D/G of the query and Dv/G of the output accumulator in
/// registers. Key and value tiles of `block_kv` rows (fewer when they would
/// not fit in 48 KiB of shared memory) are loaded cooperatively into shared
/// memory; per key, the lanes' partial dot products meet through shuffles
/// and fold into the row's running maximum, sum and output. Only the tiles
/// some row of the block can see are visited.
LogicalResult lowerFlashAttentionToGpu(RewriterBase &rewriter,
                                       FlashAttentionOp op);

/// attic.linearized_attention with static shapes. Non-causal: a kernel
/// summing each key/value head's state phi(K)^T [V, 1] over the visible
/// keys (a block per head and batch, the state's entries spread over the
/// threads' registers, keys staged in shared memory), then one computing
/// each output from its query and the state (a block per query block,
/// head and batch, the state in shared memory, a thread per output
/// element). Causal: the chunked recurrence's kernels (ChunkedRecurrence.h)
/// with the linear rule over phi(Q), phi(K) and [V, 1].
LogicalResult lowerLinearizedAttentionToGpu(RewriterBase &rewriter,
                                            LinearizedAttentionOp op);

/// attic.chunked_linear_attention (every update rule, decay and past
/// state): the chunked recurrence's kernels (ChunkedRecurrence.h), a thread
/// block per (value tile, key/value head, batch) walking the chunks with
/// the tile's state columns, the chunk's scores and values in shared
/// memory.
LogicalResult lowerChunkedLinearAttentionToGpu(RewriterBase &rewriter,
                                               ChunkedLinearAttentionOp op);

/// The per-token statistics of a cut form (forms::buildCutStatistics's
/// contract) from a kernel: a thread block per (64 tokens, vocabulary
/// split), 256 threads each holding 4 x 4 logits of a 64 x 64 tile,
/// accumulated over the hidden size through shared memory; the tile folded
/// into each token's running maximum, sum and smoothing sums (shuffles over
/// the 16 threads of a token), the label's logit picked from the same
/// tiles; the splits merged per token afterwards. Fails, creating nothing,
/// for the moments of the spherical z-loss.
FailureOr<forms::CutStatistics>
buildCutStatisticsOnGpu(OpBuilder &b, Location loc,
                        const forms::LinearLossOperands &in,
                        const forms::CutStatisticsRequest &request);

/// The blocks of a cut gradient (forms::CutGradientBlocks's contract) from
/// a kernel: a thread block per (64 tokens, 64 classes), its logits as in
/// buildCutStatisticsOnGpu, du entry by entry (skipping the block when
/// gradient filtering finds no entry above the threshold), then du times
/// the classifier and hidden chunks staged in shared memory, added into
/// the gradients atomically.
FailureOr<forms::LinearLossGradients>
buildCutGradientBlocksOnGpu(OpBuilder &b, Location loc,
                            const forms::CutGradientBlocks &spec);

/// Patterns applying the functions above.
void populateFormToGpuPatterns(RewritePatternSet &patterns);

} // namespace mlir::attic::cuda

#endif // ATTIC_CODEGEN_GPU_KERNELS_H
