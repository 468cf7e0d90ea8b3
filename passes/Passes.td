//===- Passes.td - All Attic passes, alphabetical ----------*- tablegen -*-===//
//
// Every Attic pass is declared here, whichever layer implements it: the
// generated base classes and options live in one header, and one generated
// registration function covers them all. A pass is a thin wrapper around a
// populate...Patterns function or a C++ transformation of its layer.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_PASSES_TD
#define ATTIC_PASSES_TD

include "mlir/Pass/PassBase.td"

def AtticToONNXPass : Pass<"attic-to-onnx"> {
  let summary = "Replace attic ops by the ONNX operators that compute them";
  let description = [{
    What an optimized model goes through before it is written out, so that
    ONNX Runtime runs it: `attic.softmax` and `attic.log_softmax` become
    `Softmax` and `LogSoftmax`, `attic.logsumexp` `ReduceLogSumExp`,
    `attic.attention` `Attention` (at opset 23; 24 with `kv_lengths`, 25
    with windows; a causal diagonal or window over more keys than queries,
    which ONNX aligns at the top left, becomes a constant mask),
    `attic.linear_attention` `LinearAttention` (opset 27, heads merged into
    `[B, T, H * D]` around it), `attic.cross_entropy`
    `SoftmaxCrossEntropyLoss`, `attic.nll_loss`
    `NegativeLogLikelihoodLoss`, `attic.linear_cross_entropy` a `Gemm` and
    `SoftmaxCrossEntropyLoss`, `attic.topk_softmax` `Softmax` and `TopK`
    (and a `Div` by the values' `ReduceSum` when renormalized).

    With `attention-op=com.microsoft`, attention becomes ONNX Runtime's
    `com.microsoft` `MultiHeadAttention` instead, for runtimes older than
    ONNX's `Attention`: heads merged into `[B, S, H * D]`, the mask as a
    float `attention_bias` (a boolean one as 0 or the lowest float),
    `unidirectional` for a causal diagonal; it has no softcap, windows,
    key lengths or grouped-query heads.

    An op ONNX has no operator for (other attention kernels, the length
    scale, label smoothing, z-loss, other loss kinds, form and gradient
    ops) gets one error saying why, and the pass fails.
  }];
  let options = [
    Option<"attentionOp", "attention-op", "std::string", "\"onnx\"",
           "The operator attention becomes: onnx (Attention) or "
           "com.microsoft (MultiHeadAttention)">
  ];
  let dependentDialects = ["::mlir::onnxir::ONNXDialect"];
}

def CpuApproximateVectorMathPass : Pass<"attic-cpu-approximate-vector-math"> {
  let summary = "Expand vector exponentials into polynomial code";
  let description = [{
    LLVM lowers a `math.exp` on a vector into one call of the C library's
    scalar `expf` per lane. This pass expands f32 vector exponentials into
    MLIR's polynomial approximation (range reduction by ln 2, a polynomial,
    and the power of two built from the exponent bits), which stays vector
    code. Scalar exponentials keep the library call.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def CpuDecomposeAggregatesPass : Pass<"attic-cpu-decompose-aggregates"> {
  let summary = "Decompose aggregate linalg ops such as linalg.softmax";
  let description = [{
    Ops implementing `linalg::AggregatedOpInterface` (`linalg.softmax`) stand
    for several linalg ops and have no loop lowering of their own; each is
    replaced by the ops it decomposes into, so input written with them (by
    torch-mlir, IREE, or by hand) compiles.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def CpuReadOnlyArgumentsPass : Pass<"attic-cpu-read-only-arguments"> {
  let summary = "Keep compiled functions from writing their tensor arguments";
  let description = [{
    A function on tensors never changes its caller's values, but one-shot
    bufferization takes the buffers of function arguments as writable and
    may compute a result in place of an argument (an elementwise op whose
    destination is its operand, for instance). Marking every tensor argument
    of every defined function `bufferization.writable = false` makes it copy
    first instead, so the caller's arrays are never modified.
  }];
}

def CpuVectorizePass : Pass<"attic-cpu-vectorize"> {
  let summary = "Tile linalg ops on tensors and vectorize the tiles";
  let description = [{
    Each linalg op on tensors is tiled so that a tile is one vector along its
    innermost loop (every other loop steps by one) and the tile is turned
    into vector dialect ops, masked where the loop's size is not a multiple
    of the width. An innermost reduction is tiled into `vector-width`
    partial accumulators merged after the loop, so sums and maxima run on
    whole vectors. A reduction with accumulators of its own kind (several
    of them, a custom combiner) vectorizes when its reduction loops are not
    innermost: tiled to one iteration, they are dropped and the tile is
    elementwise. Ops the vectorizer cannot handle stay tiled and become
    scalar loops.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "Elements per vector along the innermost loop">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def CutCrossEntropyPass : Pass<"attic-cut-cross-entropy"> {
  let summary = "Compute linear cross-entropy, the linear spherical Z-loss "
                "and their gradients without the N x V logits";
  let description = [{
    Replaces every `attic.linear_cross_entropy` by `attic.cut_cross_entropy`:
    the same loss (and log-sum-exp) computed over blocks of `block-n` tokens
    and `block-v` classes with a running log-sum-exp, so the `N x V` logits
    are never materialized. Replaces every `attic.linear_cross_entropy_grad`
    by `attic.cut_cross_entropy_grad`, the same gradients computed over the
    same blocks: `filter-eps` is the gradient filtering threshold (`auto`,
    the default, is the element type's machine epsilon / 32, as in cut
    cross-entropy; `none` or 0 turns filtering off) and `sort-vocab` orders
    the classes by average logit first. Likewise replaces
    `attic.linear_spherical_z_loss` and its gradient by
    `attic.cut_spherical_z_loss` and `attic.cut_spherical_z_loss_grad`,
    which accumulate each token's mean and squared deviations of the logits
    over the same blocks instead of a log-sum-exp (their gradient is dense,
    so `filter-eps` and `sort-vocab` do not apply to them).
  }];
  let options = [
    Option<"blockN", "block-n", "int64_t", /*default=*/"128",
           "Tokens per block">,
    Option<"blockV", "block-v", "int64_t", /*default=*/"512",
           "Classes per block">,
    Option<"filterEps", "filter-eps", "std::string", /*default=*/"\"auto\"",
           "Gradient filtering threshold: auto (machine epsilon / 32), none, "
           "or a number in [0, 1)">,
    Option<"sortVocab", "sort-vocab", "bool", /*default=*/"false",
           "Order the classes by average logit before the gradient blocks">
  ];
}

def FlashAttentionPass : Pass<"attic-flash-attention"> {
  let summary = "Compute softmax and softplus attention block by block";
  let description = [{
    Replaces every `attic.attention` with the `softmax` or `softplus` kernel
    by `attic.flash_attention`: the same result computed over blocks of
    `block-q` queries and `block-kv` keys with running row statistics, so no
    `Sq x Skv` score matrix is ever built. Blocks no query of a row block
    can see (above the causal diagonal, outside a sliding window, past
    `kv_lengths`) are skipped. Other kernels are left alone.
  }];
  let options = [
    Option<"blockQ", "block-q", "int64_t", /*default=*/"64",
           "Queries per block">,
    Option<"blockKv", "block-kv", "int64_t", /*default=*/"64",
           "Keys and values per block">
  ];
}

def GpuEmulatePass : Pass<"attic-gpu-emulate"> {
  let summary = "Run GPU kernels on the CPU, a team of threads per block";
  let description = [{
    Replaces each `gpu.launch_func` by the kernel's body run on the host:
    blocks one after another, and in each an OpenMP team of as many threads
    as the block has, so that barriers (`omp.barrier`) and shuffles (an
    exchange through a buffer between two barriers) behave as on the GPU.
    Workgroup memory is a buffer per launch. It checks the kernels Attic
    generates (the same IR that goes to NVVM) on machines without a GPU;
    it is not fast. The kernels must be outlined and their operands
    bufferized; shuffles must be reached by every thread of the block, as
    they are in Attic's kernels.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::omp::OpenMPDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def GpuMapParallelLoopsPass : Pass<"attic-gpu-map-parallel-loops",
                                   "::mlir::func::FuncOp"> {
  let summary = "Map outermost scf.parallel loops onto GPU blocks and threads";
  let description = [{
    What the form kernels do not cover (elementwise ops, matmuls, the
    reference lowering of other attic ops) reaches the GPU pipeline as
    `scf.parallel` loops from `convert-linalg-to-parallel-loops`. This pass
    collapses each outermost one (outside any `gpu.launch`) into a single
    dimension, tiles it by `block-size` and marks the tiles as blocks and
    the elements as threads, for `convert-parallel-loops-to-gpu`; parallel
    loops nested inside stay sequential. Loops with no parallel dimension
    (a full reduction) stay on the host.
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"256",
           "Threads per block">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::gpu::GPUDialect"
  ];
}

def LinearAttentionPass : Pass<"attic-linear-attention"> {
  let summary = "Compute feature-map and recurrent linear attention in chunks";
  let description = [{
    Replaces every `attic.attention` with a feature-map kernel
    (`elu_plus_one`, `relu`, `squared_relu`) by `attic.linearized_attention`,
    which computes `phi(Q) (phi(K)^T V)` at linear cost (causal: chunks of
    `chunk-size` queries with a carried state), and every
    `attic.linear_attention` of at least `min-chunked-length` steps by
    `attic.chunked_linear_attention`, its chunk-parallel form (the WY
    representation for the delta rules). Both are exact. Shorter linear
    attention (decoding) keeps the token-by-token recurrence. Ops the forms
    cannot take (dynamic shapes; sliding windows, masks that depend on the
    query, or `kv_lengths` with `causal`) are left alone.
  }];
  let options = [
    Option<"chunkSize", "chunk-size", "int64_t", /*default=*/"64",
           "Steps per chunk">,
    Option<"minChunkedLength", "min-chunked-length", "int64_t",
           /*default=*/"16",
           "Shortest attic.linear_attention sequence computed in chunks">
  ];
}

def LowerAtticToLinalgPass : Pass<"attic-lower-to-linalg"> {
  let summary = "Lower attic ops to linalg, tensor, arith and math (reference)";
  let description = [{
    The reference lowering: every attic op becomes upstream tensor-level IR
    that computes it in the most direct way — a three-pass stable softmax
    (maximum, sum of exponentials, normalization), attention with its score
    matrix materialized, linear attention as the token-by-token recurrence,
    losses from the log-sum-exp, top-k by k selection passes. It is the
    oracle that every form is checked against, so it favours obvious
    correctness; reductions accumulate in f32 at least.

    An op the lowering cannot handle (a dynamic head count, a dynamic head
    size without an explicit scale) is reported with an error.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def LowerFormsToGpuPass : Pass<"attic-lower-forms-to-gpu"> {
  let summary = "Replace attic form ops by NVIDIA GPU kernels (gpu.launch)";
  let description = [{
    Each form op with a GPU kernel becomes, on tensors, a `gpu.launch`
    between the buffers of its operands and a fresh result buffer
    (`bufferization.to_buffer`, `memref.alloc`, `bufferization.to_tensor`),
    so that bufferization leaves the kernel as it is:

    - `attic.online_softmax`, `attic.two_pass_softmax`: a thread block per
      row, the row's pair of the form reduced by warp shuffles and shared
      memory, then a second pass writing the outputs;
    - `attic.flash_attention` with static head sizes: a thread block per
      query block, head and batch, a group of lanes per query row holding
      the query and the output accumulator in registers, key/value tiles in
      shared memory, and only the visible tiles visited;
    - `attic.cut_cross_entropy`: its per-token statistics (log-sum-exp,
      label logit, smoothing sums) from a kernel over tiles of 64 tokens x
      64 classes (a block per token tile and vocabulary split, 4 x 4 logits
      per thread accumulated through shared memory), the splits merged per
      token, then the loss as tensor code; no N x V buffer;
    - `attic.linearized_attention`, non-causal with static shapes: a kernel
      summing each key/value head's state `phi(K)^T [V, 1]` over the
      visible keys, then one computing each output from its query and the
      state held in shared memory.

    Other ops are left for the loop lowering, which the CUDA pipeline maps
    onto the GPU plainly (`attic-gpu-map-parallel-loops`).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def LowerONNXPass : Pass<"attic-lower-onnx"> {
  let summary = "Lower the onnx dialect to linalg, tensor, arith and math";
  let description = [{
    Compiles what raising leaves of a model: every onnx op becomes the
    upstream tensor-level IR that computes it, so that the whole model goes
    through the CPU pipeline. Elementwise ops (with numpy broadcasting),
    `Where`, `Cast`, `Expand` and `Trilu` become `linalg.generic`; `MatMul`
    (numpy's batching and vectors) and `Gemm` a contraction accumulating in
    f32 at least; `ReduceSum`, `ReduceMean`, `ReduceMax`, `ReduceLogSumExp`
    (stable: the maximum first) and `ArgMax` reductions; `LayerNormalization`
    its mean and variance; `Transpose`, `Reshape`, `Squeeze`, `Unsqueeze`,
    `Slice`, `Split`, `Concat`, `Gather`, `GatherElements`, `Constant`,
    `ConstantOfShape` and `Shape` tensor ops; `Erf` MLIR's f32 polynomial
    (f16 and bf16 computed in f32); `Softmax` and `LogSoftmax` the attic
    ops, for the reference lowering or a form.

    Shapes come from the result types the importer's shape inference gave,
    and what a shape depends on (axes, target shapes, slice bounds) must be
    constant. The first op that cannot be lowered (an `onnx.Node`, an
    unknown rank, a shape computed at run time, ...) gets one error saying
    why, and the pass fails.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::attic::AtticDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def LowerStridedCopiesPass : Pass<"attic-lower-strided-copies"> {
  let summary = "Turn memref.copy of non-contiguous buffers into linalg.copy";
  let description = [{
    The LLVM lowering of `memref.copy` calls the `memrefCopy` function of
    MLIR's C runner utilities unless both buffers have the identity layout.
    This pass rewrites those copies into `linalg.copy`, which becomes loops,
    so compiled programs need no runtime library. Bufferization produces
    such copies when a slice is inserted into a larger tensor.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def RaiseONNXPass : Pass<"attic-raise-onnx"> {
  let summary = "Replace ONNX attention, softmax and losses by attic ops";
  let description = [{
    Finds softmax, log-softmax and cross-entropy however the exporter
    spelled them in the onnx dialect and replaces them by attic ops:
    `Softmax` and `LogSoftmax` nodes and their expanded forms
    (`ReduceMax`, `Sub`, `Exp`, `ReduceSum`, `Div`, `Log`, with or without
    the maximum), `LogSoftmax` along axis 1 spelled through
    `Reshape`/`Transpose` (as ONNX's own function bodies do),
    `SoftmaxCrossEntropyLoss`, and `NegativeLogLikelihoodLoss` of a
    log-softmax along the class axis (both `attic.cross_entropy`), any other
    `NegativeLogLikelihoodLoss` and its function body written out
    (`GatherElements` of the unsqueezed targets, masked by `Where` for an
    ignore index, `Neg`, `Gather` of the weights, the sum or weighted mean)
    as `attic.nll_loss`; a cross-entropy whose logits come from a
    classifier `MatMul` (plus a bias) or `Gemm` (alpha 1, beta 1) and feed
    nothing else as `attic.linear_cross_entropy` (a `Reshape` of `[.., V]`
    logits to `[N, V]` flattens the hidden states instead), for cut
    cross-entropy; the
    comp-sum losses written on the label's probability (`-log p`,
    `(1 - p^q) / q`, `1 - p`, `1 / p - 1` of `GatherElements(Softmax(x))`,
    reduced by `ReduceMean` or `ReduceSum`, or per token: `attic.cross_entropy`
    of that kind). `Attention` nodes (opsets 23 to 25) become
    `attic.attention` and `LinearAttention` nodes (27)
    `attic.linear_attention`: 3-D inputs split into heads by `Reshape` and
    `Transpose` (the result merged back), past keys and values concatenated
    in front (they are the present outputs), the attributes carried over;
    a causal diagonal or window that ONNX aligns differently (fewer or more
    new keys than queries) becomes a constant mask combined with the given
    one. A node whose `qk_matmul_output` is used, whose mask does not
    broadcast to the scores, or whose diagonal depends on dynamic lengths
    is left alone. Attention written out becomes `attic.attention` too:
    `MatMul(Softmax(masked scores, -1), V)` with the scores `MatMul(Q,
    Kt)` scaled by a `Div` or `Mul` (or `sqrt(scale)` on each side),
    optionally soft-capped (`Mul(Tanh(Div(s, c)), c)`), and masked in any
    order by `Add` of a float mask or `Where` of a boolean one with a fill
    of -inf, the lowest value or at most -1e4 (a constant or
    `Trilu`-built lower triangle becomes `causal`; a fully masked row gives
    zeros); `Kt` a `Transpose` of K or any tensor (transposed back), 3-D
    `[B * H, S, D]` tensors given a unit batch, K and V repeated for
    grouped-query heads by `Unsqueeze`/`Expand`/`Reshape` read through.
    `TopK` of a softmax (the sorted largest, along its axis) becomes
    `attic.topk_softmax`, with `renormalize` when the values are divided by
    their `ReduceSum`; `ArgMax` of a softmax along its axis reads the
    softmax's input instead. Only ranked tensors of floating-point type are
    raised; a value
    whose type the rest of the graph sees as less precise gets a
    `tensor.cast`.
  }];
  let dependentDialects = [
    "::mlir::attic::AtticDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def RaiseLinalgPass : Pass<"attic-raise-linalg"> {
  let summary = "Replace linalg softmax, attention and losses by attic ops";
  let description = [{
    For inputs that never were ONNX (torch-mlir, IREE, hand-written
    linalg): `linalg.softmax` becomes `attic.softmax`, and attention
    written as `linalg.matmul` or `linalg.batch_matmul` chains,
    `matmul(softmax(Q Kt), V)` with the scores optionally multiplied or
    divided by a float constant in a `linalg.generic` and masked by
    another (of the scores' shape, or broadcast over the batch): a float
    mask added, or a boolean one selecting between the scores and a fill
    that masks them out (`-inf`, or at most `-1e4`; `masked_fill`), the
    mask negated when the fill is taken where it is true; `Kt` given by the
    matmul's indexing maps or a `linalg.transpose`, and both products
    accumulating into zeros, becomes `attic.attention` (each batch entry one
    head, `[B, S, D]` operands seen as `[B, 1, S, D]`; or, where the
    operands collapse `[B, H, S, D]` tensors, those tensors with their
    heads, K and V read through their repetition over grouped-query heads
    by `linalg.broadcast`). Operands must share
    one floating-point element type.

    What torch-mlir writes as a chain of `linalg.generic` ops, one a step
    (reductions keeping the axis, read back through a 0, or dropping it;
    `t = x - max(x)` or `x`): `exp(t) / sum(exp(t))` becomes
    `attic.softmax` of `x`, `t - log(sum(exp(t)))` and the log of a softmax
    `attic.log_softmax`; the negative log-likelihood of log-probabilities
    `[N, C]` and integer labels `[N]` (a generic over the labels yielding
    `-lp[index(0), y]`, or 0 where `y` equals a constant ignore index)
    becomes `attic.nll_loss`, with reduction `sum` when a reduction
    generic adds the losses and `mean` when it adds each divided by the
    count of labels not ignored (an integer reduction of the labels, or
    the number of labels where none is ignored). The attic
    canonicalizations run with the raise, so the negative log-likelihood
    of a log-softmax along the classes is `attic.cross_entropy` of the
    logits.
  }];
  let dependentDialects = [
    "::mlir::attic::AtticDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def RaiseTosaPass : Pass<"attic-raise-tosa"> {
  let summary = "Replace TOSA softmax, attention and losses by attic ops";
  let description = [{
    TOSA has no softmax operator; frontends spell it as
    `mul(exp(t), reciprocal(reduce_sum(exp(t))))` and log-softmax as
    `sub(t, log(reduce_sum(exp(t))))`, with `t = x - reduce_max(x)` or
    `t = x`, every reduction along the same axis. Both become
    `attic.softmax` and `attic.log_softmax` of `x`, which subtract the
    maximum whatever the spelling.

    Attention as batched `tosa.matmul`s around such a softmax over the
    keys, `matmul(softmax(add(mul(matmul(Q, transpose(K, [0, 2, 1])), c),
    M)), V)` with the scale `c` (a splat constant) and the float mask `M`
    optional and zero points 0, becomes `attic.attention` of `[N, 1, S, D]`
    views of Q, K and V (one head per batch entry).

    The negative log-likelihood: `tosa.negate` of the label's
    log-probability read by `tosa.gather` (log-probabilities `[N, C]`
    reshaped to `[N, C, 1]`, labels `[N]`, or their `tosa.cast` to i32,
    reshaped to `[N, 1]`) becomes `attic.nll_loss` per token (expanded to
    the gather's `[N, 1, 1]`); its `reduce_sum` over the tokens the summed
    loss, and that sum times a splat of 1/N (N tokens, rounded to the
    element type) the mean. The attic canonicalizations run with the raise,
    so the likelihood of a raised log-softmax is `attic.cross_entropy`.
  }];
  let dependentDialects = [
    "::mlir::attic::AtticDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def SimplifyONNXShapesPass : Pass<"attic-simplify-onnx-shapes"> {
  let summary = "Fold the shape computations of ONNX graphs";
  let description = [{
    Models exported with dynamic axes compute shapes, scales and masks from
    `Shape`. With the symbolic shapes of every value (the graph's named
    dimensions, `onnx.dims`, as identities, so that `seq - seq` is 0),
    this folds what is static whatever the dynamic axes: integer values of
    known elements (a head size from `Shape -> Gather`) and ops of small
    constant operands (`Cast`, `Pow`, `Sqrt`, `Div`, `ConstantOfShape`,
    `Concat`, `Range`, ...) become constants, a `Reshape` target computed
    from shapes becomes a constant of 0s (dimensions copied from the
    input), sizes and one -1, result types take every dimension known
    statically, and what nothing reads is erased. `attic-raise-onnx` runs
    it first.

    ```mlir
    %s = onnx.Shape %v : (tensor<?x8x?x64xf32>) -> tensor<4xi64>
    %d = onnx.Gather %s, %three : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
    %f = onnx.Cast %d {to = 1 : i64} : (tensor<i64>) -> tensor<f32>
    %c = onnx.Sqrt %f : (tensor<f32>) -> tensor<f32>
    // becomes
    %c = onnx.Constant {value = dense<8.0> : tensor<f32>} : tensor<f32>
    ```
  }];
}

def SoftAttentionPass : Pass<"attic-soft-attention"> {
  let summary = "Approximate gaussian attention through Nystrom landmarks";
  let description = [{
    Replaces every `attic.attention` with the `gaussian` kernel by
    `attic.nystrom_attention` (SOFT): `landmarks` averaged query and key
    landmarks (fewer when a sequence is shorter, which makes the form
    exact), the pseudo-inverse of the landmark kernel matrix by `iterations`
    Newton-Raphson steps, and with `symmetric` SOFT's normalization
    `D^-1/2 W D^-1/2`. It is an approximation, so no pipeline runs it unless
    asked for; `attic-run --compare --approximate` reports the error it
    causes. Gaussian attention the form cannot take (masks, `kv_lengths`,
    causal or windowed, dynamic shapes) is left alone with a warning naming
    why.
  }];
  let options = [
    Option<"landmarks", "landmarks", "int64_t", /*default=*/"64",
           "Landmark queries and keys">,
    Option<"iterations", "iterations", "int64_t", /*default=*/"20",
           "Newton-Raphson steps of the pseudo-inverse">,
    Option<"symmetric", "symmetric", "bool", /*default=*/"false",
           "Normalize symmetrically by the row and column sums">
  ];
}

def SoftmaxFormsPass : Pass<"attic-softmax-forms"> {
  let summary = "Compute softmax, log_softmax and logsumexp in an exact form";
  let description = [{
    Replaces every `attic.softmax`, `attic.log_softmax` and
    `attic.logsumexp` by a form op that computes the same values with fewer
    passes over memory: `attic.online_softmax` (the maximum and the sum in
    one pass) or `attic.two_pass_softmax` ((mantissa, exponent) pairs, no
    maximum pass). The default is the one measured faster on the CPU
    (bench/RESULTS.md).
  }];
  let options = [
    Option<"algorithm", "algorithm", "::mlir::attic::SoftmaxAlgorithm",
           /*default=*/"::mlir::attic::SoftmaxAlgorithm::Online",
           "Which form",
           [{::llvm::cl::values(
             clEnumValN(::mlir::attic::SoftmaxAlgorithm::Online, "online",
                        "attic.online_softmax"),
             clEnumValN(::mlir::attic::SoftmaxAlgorithm::TwoPass, "two-pass",
                        "attic.two_pass_softmax"))}]>
  ];
}

def SoftmaxFreePass : Pass<"attic-softmax-free"> {
  let summary = "Replace softmax in chosen attention ops by another kernel";
  let description = [{
    The softmax-free rewrite. It changes what the model computes, so no
    pipeline runs it unless asked for: every `attic.attention` with the
    `softmax` kernel that `filter` selects gets `kernel` instead —
    `softplus` (l1-normalized, optionally with the length scale
    `train-length` and the re-weighting power `reweight-power`), a feature
    map (`elu_plus_one`, `relu`, `squared_relu`; the scale, which their
    normalization cancels, is dropped) or `gaussian` (SOFT's kernel,
    unnormalized). A feature map afterwards opens the way to
    `attic-linear-attention`, and the gaussian kernel to
    `attic-soft-attention`.

    `filter` is a regular expression searched in the names of each op's
    location (the node names importers give) and in the name of its
    function; empty selects every softmax attention. A selected op the new
    kernel cannot express (a softcap or float mask under a feature map) is
    left alone with a warning naming why. `attic-run --compare` with
    `--approximate` reports the error the rewrite causes on given inputs.
  }];
  let options = [
    Option<"kernel", "kernel", "std::string", /*default=*/"\"softplus\"",
           "The new kernel: softplus, elu_plus_one, relu, squared_relu or "
           "gaussian">,
    Option<"filter", "filter", "std::string", /*default=*/"\"\"",
           "Regular expression selecting ops by location or function name "
           "(empty: all)">,
    Option<"trainLength", "train-length", "int64_t", /*default=*/"0",
           "softplus: the training length of the length scale (0: none)">,
    Option<"reweightPower", "reweight-power", "double", /*default=*/"0.0",
           "softplus: the re-weighting power (0: none)">
  ];
}

#endif // ATTIC_PASSES_TD
