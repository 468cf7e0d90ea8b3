//===- KernelBuilder.h - Pieces of Attic's GPU kernels ----------*- C++ -*-===//
//
// A form op becomes, in place and on tensors, a `gpu.launch` between the
// buffers of its operands and a fresh result buffer:
//
//   %x = bufferization.to_buffer %input
//   %y = memref.alloc(...)
//   gpu.launch blocks(...) threads(...) workgroup(...) { kernel }
//   %r = bufferization.to_tensor %y restrict writable
//
// so that bufferization leaves the kernel alone and outlining later turns
// it into a `gpu.func`. The kernel reads and writes flat (1-D) views of the
// row-major buffers. These helpers build those pieces and the thread-level
// reductions (warp shuffles, then shared memory across warps) the kernels
// share.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_CODEGEN_GPU_KERNELBUILDER_H
#define ATTIC_CODEGEN_GPU_KERNELBUILDER_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Builders.h"

namespace mlir::attic::cuda {

/// Threads of a warp.
constexpr int64_t kWarpSize = 32;

/// Static shared memory a block may use without opting in.
constexpr int64_t kSharedBytes = 48 * 1024;

/// The buffer of `tensor` (row-major), viewed as one dimension.
Value flatBuffer(OpBuilder &b, Location loc, Value tensor);

/// A fresh row-major buffer for a result of `type` whose dynamic sizes are
/// `dynamicSizes`, and its one-dimensional view.
struct ResultBuffer {
  Value buffer, flat;
};
ResultBuffer allocateResult(OpBuilder &b, Location loc, RankedTensorType type,
                            ValueRange dynamicSizes);

/// The tensor a kernel wrote into `result`.
Value resultTensor(OpBuilder &b, Location loc, const ResultBuffer &result,
                   RankedTensorType type);

/// The product of the sizes of `tensor` over dimensions [from, to), as an
/// index value (a constant when they are static).
Value sizeProduct(OpBuilder &b, Location loc, Value tensor, int64_t from,
                  int64_t to);

/// A gpu.launch of a 3-D grid of blocks of `threads` threads (x only) with
/// one workgroup buffer per entry of `shared` (element type, size), and the
/// builder set inside its body (before the terminator).
gpu::LaunchOp createLaunch(OpBuilder &b, Location loc,
                           std::array<Value, 3> grid, int64_t threads,
                           ArrayRef<std::pair<Type, int64_t>> shared = {});

/// Fills the workgroup buffer `tile`, `rows` x `cols` row-major, with
/// `element(row, col)`: the block's `threads` threads stride over the
/// elements (`thread` is this one's index), so consecutive threads write
/// consecutive words.
void fillTile(
    OpBuilder &b, Location loc, Value tile, int64_t rows, int64_t cols,
    Value thread, int64_t threads,
    function_ref<Value(OpBuilder &, Location, Value row, Value col)> element);

/// An entry of a `rows` x `cols` row-major array whose entries the block's
/// `threads` threads share out, entry thread + threads * i to a thread:
/// `inside` is false past the end (row and col then name the last entry).
struct ThreadEntry {
  Value row, col, inside;
};
/// This thread's entries (`thread` its index), in order of i.
SmallVector<ThreadEntry> threadEntries(OpBuilder &b, Location loc, Value thread,
                                       int64_t threads, int64_t rows,
                                       int64_t cols);

/// `value` of the lane `lane ^ offset` of the warp (32- or 64-bit scalars).
Value shuffleXor(OpBuilder &b, Location loc, Value value, int64_t offset);

/// Merges two tuples of values into one (associative and commutative).
using MergeFn = function_ref<SmallVector<Value>(OpBuilder &, Location,
                                                ValueRange, ValueRange)>;

/// Butterfly reduction over groups of `width` consecutive lanes (a power of
/// two up to the warp size): every lane of a group ends with the merge of
/// the group's values.
SmallVector<Value> reduceLanes(OpBuilder &b, Location loc, ValueRange values,
                               int64_t width, MergeFn merge);

/// Reduction over the `threads` threads of a block (a multiple of the warp
/// size): every thread ends with the merge of all values. `shared` holds one
/// workgroup buffer of threads / 32 elements per value; `identity` are the
/// values that merge as no-ops. Contains barriers: every thread must reach
/// it.
SmallVector<Value> reduceBlock(OpBuilder &b, Location loc, ValueRange values,
                               ValueRange identity, Value thread,
                               int64_t threads, ValueRange shared,
                               MergeFn merge);

} // namespace mlir::attic::cuda

#endif // ATTIC_CODEGEN_GPU_KERNELBUILDER_H
