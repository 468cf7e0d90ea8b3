//===- ChunkedRecurrence.h - Chunked linear attention kernels ---*- C++ -*-===//
//
// The chunked recurrence of linear attention as GPU kernels, shared by
// attic.chunked_linear_attention (every update rule) and causal
// attic.linearized_attention (the linear rule over phi(Q), phi(K) and
// [V, 1], the normalizer being the output of the column of ones).
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_CODEGEN_GPU_CHUNKEDRECURRENCE_H
#define ATTIC_CODEGEN_GPU_CHUNKEDRECURRENCE_H

#include "codegen/gpu/KernelBuilder.h"

#include <functional>
#include <optional>

namespace mlir::attic::cuda {

/// The keys a linearized attention op lets each batch see: its key padding
/// mask (a boolean per batch and key, or per key, broadcast) and
/// kv_lengths, read from flat buffers inside a kernel.
struct KeyVisibility {
  Value maskFlat, lengthsFlat;
  /// The mask's strides along the batch and the keys (0 where it
  /// broadcasts).
  int64_t maskBatchStride = 0, maskKeyStride = 0, keys = 0;

  /// For `mask` and `kvLengths` (tensors, either may be null) over `keys`
  /// keys; creates the flat buffers. The mask's shape must be static.
  static KeyVisibility create(OpBuilder &b, Location loc, Value mask,
                              Value kvLengths, int64_t keys);
  /// The keys of `batch` kv_lengths leaves visible: L clamped to [0, Skv]
  /// (Skv without kv_lengths).
  Value length(OpBuilder &b, Location loc, Value batch) const;
  /// An i1: whether the mask lets `batch` see `key` (in [0, Skv)).
  Value masked(OpBuilder &b, Location loc, Value batch, Value key) const;
};

/// What the kernels compute, on tensors of static shapes and any float
/// type, read into the accumulator type of the query's.
struct ChunkedRecurrence {
  /// query [B, Hq, T, Dk], key [B, Hkv, Skv, Dk], value [B, Hkv, Skv, Dv].
  /// Step t reads key row t + Skv - T (none below 0); key rows before
  /// Skv - T are summed into the state before the first step.
  Value query, key, value;
  /// Optional: the past state [B, Hkv, Dk, Dv], the log decay [B, Hkv, T]
  /// or [B, Hkv, T, Dk] (per key dimension), and beta [B, Hkv, T] or
  /// [B, 1, T] (its presence selects the delta rules).
  Value pastState, decay, beta;
  /// Optional, a key padding mask as attic.linearized_attention's (causal,
  /// it takes no kv_lengths): keys it hides are zero keys and values.
  Value mask;
  /// Steps per chunk (clamped to [1, T]).
  int64_t chunk = 1;
  /// Applied to every query and key entry, in the accumulator type, as it
  /// is read (may be empty).
  std::function<Value(OpBuilder &, Location, Value)> featureMap;
  /// Whether the values carry a column of ones whose output divides the
  /// others (0 where it is 0); otherwise the output is scaled by `scale`.
  bool normalize = false;
  double scale = 1.0;
};

/// The output [B, Hq, T, Dv] and, when asked for, the present state
/// [B, Hkv, Dk, Dv].
struct ChunkedRecurrenceBuffers {
  ResultBuffer output;
  std::optional<ResultBuffer> state;
};

/// Kernels computing `r`: one summing the log decay over each chunk (when
/// there is a decay), then a thread block per (value tile, key/value head,
/// batch) walking the chunks with the tile's columns of the state in global
/// memory, and per chunk, with the query, key and decay staged in shared
/// memory 16 key dimensions at a time: the delta rules' Gram matrix and
/// forward substitution (a thread per value column), per query head of the
/// group the masked scores tril(Q K^T o D) and the output, then the state.
/// Fails, creating nothing, for dynamic shapes or when a chunk does not fit
/// in shared memory.
FailureOr<ChunkedRecurrenceBuffers>
buildChunkedRecurrenceOnGpu(OpBuilder &b, Location loc,
                            const ChunkedRecurrence &r, bool withState);

} // namespace mlir::attic::cuda

#endif // ATTIC_CODEGEN_GPU_CHUNKEDRECURRENCE_H
