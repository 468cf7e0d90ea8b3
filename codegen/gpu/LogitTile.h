//===- LogitTile.h - The 64 x 64 logit tiles of the cut kernels -*- C++ -*-===//
//
// The cut cross-entropy kernels (the forward statistics and the gradient
// blocks) compute logits hidden . classifier^T a 64 x 64 tile at a time:
// 256 threads in a 16 x 16 grid, each holding 4 x 4 logits (rows ty + 16 i,
// columns tx + 16 j), accumulated over the hidden size in chunks of 16
// staged in shared memory, rows padded to 17 words (no bank conflicts).
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_CODEGEN_GPU_LOGITTILE_H
#define ATTIC_CODEGEN_GPU_LOGITTILE_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include <optional>

namespace mlir::attic::cuda {

/// Tokens and classes of a tile, hidden elements per staged chunk (rows
/// padded by one word), threads per side and logits per thread per side.
constexpr int64_t kTile = 64, kChunk = 16, kPadded = kChunk + 1, kSide = 16,
                  kPer = kTile / kSide;

/// What the threads of a block share to compute tiles: the flat hidden
/// [N, D] and classifier [V, D] buffers (any float type) and the bias [V]
/// (or null), two workgroup buffers of kTile * kPadded accumulator-type
/// words, and this thread's index and place in the grid.
struct TileContext {
  Value hidden, classifier, bias;
  Value hTile, wTile;
  Value thread, tx, ty;
  Value tokens, classes, depth;
  FloatType acc;
  std::optional<double> softcap;
};

/// Stages rows [first, first + kTile) of the flat `source` [rows, depth],
/// columns [k0, k0 + kChunk), into `tile` (kTile x kPadded), zeros outside
/// rows [.., end) and the depth; the block's threads share the work.
void stageChunk(OpBuilder &b, Location loc, const TileContext &c, Value source,
                Value tile, Value first, Value end, Value k0);

/// This thread's 4 x 4 logits of the tile of tokens [firstToken, ..) and
/// classes [firstCol, ..), classes from `endClass` on reading as zeros.
struct LogitTile {
  /// z[i * kPer + j]: row ty + 16 i, column tx + 16 j; bias and softcap
  /// applied.
  SmallVector<Value> z;
  /// Per column j: its class, whether it is below `endClass`, and the
  /// class clamped into [0, classes) (where reading per-class values is
  /// safe).
  SmallVector<Value> cols, valid, readCols;
};
LogitTile computeLogitTile(OpBuilder &b, Location loc, const TileContext &c,
                           Value firstToken, Value firstCol, Value endClass);

} // namespace mlir::attic::cuda

#endif // ATTIC_CODEGEN_GPU_LOGITTILE_H
