//===- AtticFormOps.td - Attic form ops --------------------*- tablegen -*-===//
//
// Form ops say how a semantic op is computed. A form pass turns a semantic op
// into one of them; codegen lowers them. Each equals its semantic op within
// the numerics contract (docs/Numerics.md).
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_FORM_OPS_TD
#define ATTIC_FORM_OPS_TD

//===----------------------------------------------------------------------===//
// Softmax forms
//===----------------------------------------------------------------------===//

class Attic_SoftmaxFormOp<string mnemonic> : Attic_Op<mnemonic, [Pure]> {
  let arguments = (ins Attic_FloatTensor:$input, Attic_I64Attr:$axis,
                       Attic_SoftmaxKindAttr:$kind, UnitAttr:$keep_dim);
  let results = (outs Attic_FloatTensor:$result);
  let assemblyFormat = [{
    $kind $input `,` `axis` `=` $axis attr-dict `:` type($input) `->`
    type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The axis in [0, rank), whatever sign the attribute has.
    int64_t getAxisIndex() {
      int64_t rank = getInput().getType().getRank();
      return getAxis() < 0 ? getAxis() + rank : getAxis();
    }
  }];
}

def Attic_OnlineSoftmaxOp : Attic_SoftmaxFormOp<"online_softmax"> {
  let summary = "Softmax, log_softmax or logsumexp with an online row maximum";
  let description = [{
    The online normalizer calculation (Milakov and Gimelshein): one pass over
    each row keeps the running maximum `m` and the sum `d` of
    `exp(x - m)`, rescaling `d` by `exp(m_old - m_new)` when the maximum
    grows, so each element costs one exponential. A second pass writes
    `softmax` or `log_softmax`; `logsumexp` (`m + log d`, with `keep_dim` as
    on `attic.logsumexp`) needs only the first. Two passes over memory
    instead of the reference's three; the same results, including rows that
    are entirely `-inf`.

    ```mlir
    %y = attic.online_softmax <softmax> %x, axis = 1
           : tensor<4x1024xf32> -> tensor<4x1024xf32>
    %l = attic.online_softmax <logsumexp> %x, axis = 1
           : tensor<4x1024xf32> -> tensor<4xf32>
    ```
  }];
}

def Attic_TwoPassSoftmaxOp : Attic_SoftmaxFormOp<"two_pass_softmax"> {
  let summary = "Softmax, log_softmax or logsumexp without a maximum pass";
  let description = [{
    The two-pass softmax algorithm (Dukhan and Ablavatsky): each `exp(x)` is
    kept as a pair `(m, n)` with `exp(x) = m * 2^n`, `n = round(x / ln 2)` and
    `m = exp(x - n ln 2)` (the reduction in two FMA steps, Cody–Waite), so
    no exponential overflows and no maximum is needed first. The first pass
    sums the pairs, keeping the largest exponent `N` and rescaling the
    mantissa sum `M` by powers of two; the second writes
    `softmax = m * 2^(n - N) / M` or `log_softmax = (x - N ln 2) - log M`.
    `logsumexp = N ln 2 + log M` needs only the first.

    Exact like the reference for inputs of magnitude below 2^22 (about
    4e6), where `n` and `n ln 2` are exact enough; larger finite inputs lose
    precision, and the online form is the one to use for them.

    ```mlir
    %y = attic.two_pass_softmax <log_softmax> %x, axis = -1
           : tensor<4x1024xf32> -> tensor<4x1024xf32>
    ```
  }];
}

//===----------------------------------------------------------------------===//
// Attention forms
//===----------------------------------------------------------------------===//

def Attic_FlashAttentionOp : Attic_Op<"flash_attention",
    [Pure, AttrSizedOperandSegments]> {
  let summary = "Attention tiled over query and key/value blocks";
  let description = [{
    `attic.attention` (every operand and attribute with the same meaning)
    computed block by block as in FlashAttention-2: for each batch, query
    head and block of `block_q` queries, a loop over blocks of `block_kv`
    keys computes the block's scores, folds them into a running row maximum
    and sum (`softmax`; `softplus` needs no maximum) and accumulates the
    weighted values, which are divided by the sum at the end. No score
    matrix larger than `block_q x block_kv` exists. The key/value loop
    starts at the sliding window's first visible key and stops after the
    last key visible to the block (causal bound, window, `kv_lengths`), so
    invisible blocks are skipped, not masked. Grouped-query heads read their
    shared key/value head in place. A row with no visible key gives zeros.

    Kernels: `softmax` and `softplus`.

    ```mlir
    %o = attic.flash_attention %q, %k, %v {causal, block_q = 64, block_kv = 64}
           : tensor<2x8x1024x64xf32>, tensor<2x2x1024x64xf32>,
             tensor<2x2x1024x64xf32> -> tensor<2x8x1024x64xf32>
    ```
  }];
  let arguments = !con(AtticAttentionArguments,
                       (ins Attic_I64Attr:$block_q, Attic_I64Attr:$block_kv));
  let results = (outs Attic_FloatTensor:$result);
  let assemblyFormat = [{
    $query `,` $key `,` $value
    (`mask` `(` $mask^ `:` type($mask) `)`)?
    (`kv_lengths` `(` $kv_lengths^ `:` type($kv_lengths) `)`)?
    attr-dict `:` type($query) `,` type($key) `,` type($value)
    `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The scale applied to q.k: the attribute, or 1/sqrt(D) by default
    /// (none when D is dynamic and no scale is given).
    std::optional<double> getEffectiveScale();
    /// Always false: the tiled form takes the softmax and softplus kernels.
    bool hasFeatureMapKernel() { return false; }
  }];
}

//===----------------------------------------------------------------------===//
// Linear attention forms
//===----------------------------------------------------------------------===//

def Attic_LinearizedAttentionOp : Attic_Op<"linearized_attention",
    [Pure, AttrSizedOperandSegments]> {
  let summary = "Feature-map attention computed as phi(Q) (phi(K)^T V)";
  let description = [{
    `attic.attention` with a feature-map kernel (`elu_plus_one`, `relu`,
    `squared_relu`; every operand and attribute with the same meaning)
    computed at linear cost in the sequence length. With `V1 = [V, 1]` (the
    values with a column of ones appended), the state `phi(K)^T V1`
    (`[D, Dv + 1]` per batch and key/value head) gives each query row its
    numerator `phi(q) (phi(K)^T V)` and its normalizer `phi(q) (phi(K)^T 1)`
    at once; the result is their quotient (0 where the normalizer is 0).

    Non-causal, the state sums over every visible key. Causal, queries are
    taken in chunks of `chunk_size`: inside a chunk the lower-triangular
    `phi(Q_c) phi(K_c)^T` weighs the chunk's own keys, and the state carried
    from chunk to chunk holds all earlier ones. Keys that every query sees
    (the bottom-right offset `Skv - Sq` when positive) start the state;
    queries that see no key (`Sq > Skv`) give zeros. No score matrix larger
    than `chunk_size x chunk_size` exists.

    Visibility it takes besides `causal`: `kv_lengths` (non-causal only) and
    an `i1` mask that does not depend on the query head or position (a key
    padding mask of shape `[B, 1, 1, Skv]` or one that broadcasts to it).
    Sliding windows and other masks do not factorize. Shapes are static.

    ```mlir
    %o = attic.linearized_attention %q, %k, %v
           {causal, chunk_size = 64, kernel = #attic.kernel<elu_plus_one>}
           : tensor<1x8x4096x64xf32>, tensor<1x8x4096x64xf32>,
             tensor<1x8x4096x64xf32> -> tensor<1x8x4096x64xf32>
    ```
  }];
  let arguments = !con(AtticAttentionArguments,
                       (ins Attic_I64Attr:$chunk_size));
  let results = (outs Attic_FloatTensor:$result);
  let assemblyFormat = [{
    $query `,` $key `,` $value
    (`mask` `(` $mask^ `:` type($mask) `)`)?
    (`kv_lengths` `(` $kv_lengths^ `:` type($kv_lengths) `)`)?
    attr-dict `:` type($query) `,` type($key) `,` type($value)
    `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Always 1: the feature-map kernels normalize per row.
    std::optional<double> getEffectiveScale() { return 1.0; }
    /// Always true: the form takes the feature-map kernels only.
    bool hasFeatureMapKernel() { return true; }
  }];
}

def Attic_NystromAttentionOp : Attic_Op<"nystrom_attention",
    [Pure, AttrSizedOperandSegments]> {
  let summary = "Gaussian-kernel attention through Nystrom landmarks (SOFT)";
  let description = [{
    An approximation of `attic.attention` with the `gaussian` kernel
    (`P(x, y) = exp(-scale |x - y|^2 / 2)`, every operand and attribute with
    the same meaning) at linear cost in the sequence length, as in
    "Softmax-free Linear Transformers" (SOFT). `landmarks` = `m` landmark
    queries `Q~` and keys `K~` are the averages of `m` consecutive segments
    of the queries and keys (adaptive average pooling: segment `l` of `n`
    rows spans `[floor(l n / m), ceil((l + 1) n / m))`), and the weights are

      `W = P(Q, K~) pinv(P(Q~, K~)) P(Q~, K)`

    where the Moore-Penrose inverse of the `m x m` landmark matrix `A` is
    computed by `iterations` Newton-Raphson steps `Z <- 2 Z - Z A Z` from
    SOFT's initialization `Z0 = A^T / (|A|_1 |A|_inf)`. The result is
    `W V`; with `symmetric`, the symmetrically normalized
    `D_r^-1/2 W D_c^-1/2 V`, where `D_r` and `D_c` hold the row and column
    sums of `W` (a sum that is not positive weighs 0), which for `Q = K` is
    SOFT's normalization `D^-1/2 W D^-1/2`.

    No matrix larger than `S x m` exists. When `m` equals both sequence
    lengths (each landmark one row) and the iteration has converged, `W` is
    the exact kernel matrix. Grouped-query heads read their shared key and
    value head. Masks, `kv_lengths`, `causal`, windows and `softcap` do not
    factorize through landmarks; the form takes none of them. Shapes are
    static, and `m` is at most both sequence lengths.

    ```mlir
    %o = attic.nystrom_attention %q, %k, %v
           {kernel = #attic.kernel<gaussian>, landmarks = 64,
            iterations = 20, symmetric}
           : tensor<1x8x4096x64xf32>, tensor<1x8x4096x64xf32>,
             tensor<1x8x4096x64xf32> -> tensor<1x8x4096x64xf32>
    ```
  }];
  let arguments = !con(AtticAttentionArguments,
                       (ins Attic_I64Attr:$landmarks,
                            Attic_I64Attr:$iterations,
                            UnitAttr:$symmetric));
  let results = (outs Attic_FloatTensor:$result);
  let assemblyFormat = [{
    $query `,` $key `,` $value
    (`mask` `(` $mask^ `:` type($mask) `)`)?
    (`kv_lengths` `(` $kv_lengths^ `:` type($kv_lengths) `)`)?
    attr-dict `:` type($query) `,` type($key) `,` type($value)
    `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The scale of the gaussian exponent: the attribute, or 1/sqrt(D).
    std::optional<double> getEffectiveScale();
    /// Always false: the form takes the gaussian kernel only.
    bool hasFeatureMapKernel() { return false; }
  }];
}

def Attic_ChunkedLinearAttentionOp : Attic_Op<"chunked_linear_attention",
    [Pure, AttrSizedOperandSegments]> {
  let summary = "Linear attention in chunks: matmuls inside, a state between";
  let description = [{
    `attic.linear_attention` (every operand and attribute with the same
    meaning) computed chunk by chunk, as flash-linear-attention does for
    prefill. For each chunk of `chunk_size` steps, with the state `S0` that
    enters it, `b` the cumulative log decay inside the chunk (0 without
    decay) and `D[t, s] = exp(b_t - b_s)` (per key dimension for a per-key
    decay):

    - the values each step writes, `U`: `V` for the `linear` and `gated`
      rules; for the delta rules the WY representation
      `U = T (V - diag(exp(b)) K S0)` with
      `T = (I + tril(diag(beta) (K K^T o D), -1))^-1 diag(beta)`, solved by
      forward substitution over the chunk's rows;
    - the output `scale (diag(exp(b)) Q S0 + tril(Q K^T o D) U)`;
    - the state `exp(b_last) S0 + (K o exp(b_last - b))^T U`.

    Everything inside a chunk is a matmul or an elementwise op; steps run
    one after another only between chunks and, for the delta rules, inside
    the substitution. A sequence that is not a multiple of the chunk is
    padded with steps that change nothing (zero keys and values, zero decay
    and beta). Equal to the token-by-token recurrence up to rounding.
    Shapes are static.

    ```mlir
    %o, %s = attic.chunked_linear_attention %q, %k, %v
               decay(%g : tensor<1x4x1024xf32>) beta(%b : tensor<1x4x1024xf32>)
               {update_rule = #attic.update_rule<gated_delta>, chunk_size = 64}
               : tensor<1x4x1024x64xf32>, tensor<1x4x1024x64xf32>,
                 tensor<1x4x1024x64xf32> -> tensor<1x4x1024x64xf32>,
                 tensor<1x4x64x64xf32>
    ```
  }];
  let arguments = (ins
    Attic_FloatTensor:$query,
    Attic_FloatTensor:$key,
    Attic_FloatTensor:$value,
    Optional<Attic_FloatTensor>:$past_state,
    Optional<Attic_FloatTensor>:$decay,
    Optional<Attic_FloatTensor>:$beta,
    DefaultValuedAttr<Attic_UpdateRuleAttr,
                      "::mlir::attic::UpdateRule::linear">:$update_rule,
    OptionalAttr<F64Attr>:$scale,
    Attic_I64Attr:$chunk_size
  );
  let results = (outs Attic_FloatTensor:$output,
                      Attic_FloatTensor:$present_state);
  let assemblyFormat = [{
    $query `,` $key `,` $value
    (`past` `(` $past_state^ `:` type($past_state) `)`)?
    (`decay` `(` $decay^ `:` type($decay) `)`)?
    (`beta` `(` $beta^ `:` type($beta) `)`)?
    attr-dict `:` type($query) `,` type($key) `,` type($value)
    `->` type($output) `,` type($present_state)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The scale applied to S^T q: the attribute, or 1/sqrt(Dk) by default.
    std::optional<double> getEffectiveScale();
  }];
}

//===----------------------------------------------------------------------===//
// Loss forms
//===----------------------------------------------------------------------===//

def Attic_CutCrossEntropyOp : Attic_Op<"cut_cross_entropy",
    [Pure, AttrSizedOperandSegments]> {
  let summary = "Linear cross-entropy without the N x V logits";
  let description = [{
    `attic.linear_cross_entropy` (every operand and attribute with the same
    meaning) computed as in "Cut Your Losses in Large-Vocabulary Language
    Models": for each block of `block_n` tokens, a loop over blocks of
    `block_v` classes computes that block of logits (matmul, bias, softcap),
    folds it into a running log-sum-exp (maximum and rescaled sum), picks out
    the label's logit when the label falls in the block and, with label
    smoothing, accumulates the (weighted) sum of the logits. The loss then
    follows from those per-token numbers. No tensor larger than
    `block_n x block_v` holds logits.

    ```mlir
    %loss = attic.cut_cross_entropy %h, %w, %y
              {ignore_index = -100 : i64, block_n = 256, block_v = 512}
              : tensor<4096x2048xf32>, tensor<131072x2048xf32>,
                tensor<4096xi64> -> tensor<f32>
    ```
  }];
  let arguments = !con(AtticLinearCrossEntropyArguments,
                       (ins Attic_I64Attr:$block_n, Attic_I64Attr:$block_v));
  let results = (outs Attic_FloatTensor:$loss, Optional<Attic_FloatTensor>:$lse);
  let assemblyFormat = [{
    $hidden `,` $classifier `,` $labels
    (`bias` `(` $bias^ `:` type($bias) `)`)?
    (`weights` `(` $weights^ `:` type($weights) `)`)?
    attr-dict `:` type($hidden) `,` type($classifier) `,` type($labels)
    `->` type(results)
  }];
  let hasVerifier = 1;
}

def Attic_CutCrossEntropyGradOp : Attic_Op<"cut_cross_entropy_grad",
    [Pure, AttrSizedOperandSegments]> {
  let summary = "Gradient of linear cross-entropy without the N x V logits";
  let description = [{
    `attic.linear_cross_entropy_grad` (every operand, attribute and result
    with the same meaning) computed as in "Cut Your Losses in
    Large-Vocabulary Language Models": for each block of `block_n` tokens, a
    loop over blocks of `block_v` classes recomputes that block of logits
    and its softmax from the log-sum-exp, and accumulates the block's share
    of `grad_hidden`, `grad_classifier` and `grad_bias`. No tensor larger
    than `block_n x block_v` holds logits or their gradient.

    Gradient filtering: a block whose softmax entries are all below
    `filter_eps` is skipped (its softmax term contributes less than
    `filter_eps` per entry); 0 disables filtering. The label term and,
    without a softcap, the label-smoothing term are exact rank-one or sparse
    updates applied outside the blocks, so filtering never drops them; with
    both a softcap and label smoothing every block has a dense term, and no
    block is skipped. With `sort_vocab`, the classes are first ordered by
    their average logit over the tokens (largest first), so that the
    probable classes share blocks and more blocks can be skipped; the
    gradients come back in the original order.

    ```mlir
    %dh, %dc = attic.cut_cross_entropy_grad %h, %w, %y, %dl lse(%lse : tensor<4096xf32>)
                 {block_n = 128, block_v = 512, filter_eps = 3.7252902984e-09,
                  sort_vocab}
                 : tensor<4096x2048xf32>, tensor<131072x2048xf32>,
                   tensor<4096xi64>, tensor<f32>
                 -> tensor<4096x2048xf32>, tensor<131072x2048xf32>
    ```
  }];
  let arguments = !con(AtticLinearCrossEntropyGradArguments,
                       (ins Attic_I64Attr:$block_n, Attic_I64Attr:$block_v,
                            DefaultValuedAttr<F64Attr, "0.0">:$filter_eps,
                            UnitAttr:$sort_vocab));
  let results = (outs Attic_FloatTensor:$grad_hidden,
                      Attic_FloatTensor:$grad_classifier,
                      Optional<Attic_FloatTensor>:$grad_bias);
  let assemblyFormat = [{
    $hidden `,` $classifier `,` $labels `,` $grad_loss
    (`bias` `(` $bias^ `:` type($bias) `)`)?
    (`weights` `(` $weights^ `:` type($weights) `)`)?
    (`lse` `(` $lse^ `:` type($lse) `)`)?
    attr-dict `:` type($hidden) `,` type($classifier) `,` type($labels) `,`
    type($grad_loss) `->` type(results)
  }];
  let hasVerifier = 1;
}

def Attic_CutSphericalZLossOp : Attic_Op<"cut_spherical_z_loss",
    [Pure, AttrSizedOperandSegments]> {
  let summary = "Linear spherical Z-loss without the N x V logits";
  let description = [{
    `attic.linear_spherical_z_loss` (every operand and attribute with the
    same meaning) computed block by block: the label's logit of every token
    is gathered first (one dot product per token); then for each block of
    `block_n` tokens, a loop over blocks of `block_v` classes computes that
    block of logits (matmul, bias, softcap) and folds the block's mean and
    sum of squared deviations of `z - z_y` into running ones (Chan's
    pairwise update, so no sum of squares cancels against a squared mean).
    The loss then follows from those per-token numbers as in the reference.
    No tensor larger than `block_n x block_v` holds logits.

    ```mlir
    %loss = attic.cut_spherical_z_loss %h, %w, %y
              {a = 0.1, b = 20.0, block_n = 128, block_v = 512}
              : tensor<4096x2048xf32>, tensor<131072x2048xf32>,
                tensor<4096xi64> -> tensor<f32>
    ```
  }];
  let arguments = !con(AtticLinearSphericalZLossArguments,
                       (ins Attic_I64Attr:$block_n, Attic_I64Attr:$block_v));
  let results = (outs Attic_FloatTensor:$loss);
  let assemblyFormat = [{
    $hidden `,` $classifier `,` $labels
    (`bias` `(` $bias^ `:` type($bias) `)`)?
    (`weights` `(` $weights^ `:` type($weights) `)`)?
    attr-dict `:` type($hidden) `,` type($classifier) `,` type($labels)
    `->` type($loss)
  }];
  let hasVerifier = 1;
}

def Attic_CutSphericalZLossGradOp : Attic_Op<"cut_spherical_z_loss_grad",
    [Pure, AttrSizedOperandSegments]> {
  let summary = "Gradient of the linear spherical Z-loss without the N x V "
                "logits";
  let description = [{
    `attic.linear_spherical_z_loss_grad` (every operand, attribute and
    result with the same meaning) computed block by block: the per-token
    statistics as `attic.cut_spherical_z_loss` computes them, then for each
    block of `block_n` tokens a loop over blocks of `block_v` classes
    recomputes that block of logits, forms its gradient
    `kappa [c = y] + alpha + beta (z_c - mean)` (times the softcap's slope)
    and accumulates the block's share of `grad_hidden`, `grad_classifier`
    and `grad_bias`. The gradient is dense (every class moves the mean and
    the deviation), so no block is skipped. No tensor larger than
    `block_n x block_v` holds logits or their gradient.

    ```mlir
    %dh, %dc = attic.cut_spherical_z_loss_grad %h, %w, %y, %dl
                 {a = 0.1, b = 20.0, block_n = 128, block_v = 512}
                 : tensor<4096x2048xf32>, tensor<131072x2048xf32>,
                   tensor<4096xi64>, tensor<f32>
                 -> tensor<4096x2048xf32>, tensor<131072x2048xf32>
    ```
  }];
  let arguments = !con(AtticLinearSphericalZLossArguments,
                       (ins Attic_FloatTensor:$grad_loss,
                            Attic_I64Attr:$block_n, Attic_I64Attr:$block_v));
  let results = (outs Attic_FloatTensor:$grad_hidden,
                      Attic_FloatTensor:$grad_classifier,
                      Optional<Attic_FloatTensor>:$grad_bias);
  let assemblyFormat = [{
    $hidden `,` $classifier `,` $labels `,` $grad_loss
    (`bias` `(` $bias^ `:` type($bias) `)`)?
    (`weights` `(` $weights^ `:` type($weights) `)`)?
    attr-dict `:` type($hidden) `,` type($classifier) `,` type($labels) `,`
    type($grad_loss) `->` type(results)
  }];
  let hasVerifier = 1;
}

#endif // ATTIC_FORM_OPS_TD
