//===- AtticOps.td - Attic semantic ops --------------------*- tablegen -*-===//
//
// Semantic ops say what is computed. Each carries every attribute a user can
// set; form passes and codegen decide how.
//
//===----------------------------------------------------------------------===//

#ifndef ATTIC_OPS_TD
#define ATTIC_OPS_TD

include "dialects/attic/AtticDialect.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Attic_FloatTensor : RankedTensorOf<[AnyFloat]>;
def Attic_IntTensor : RankedTensorOf<[AnySignlessInteger]>;

// An i64 attribute read as a signed value (upstream I64Attr returns uint64_t,
// which turns a negative axis or a negative ignore_index into a huge one).
def Attic_I64Attr : TypedSignlessIntegerAttrBase<I64, "int64_t",
    "64-bit signless integer attribute"> {
  let convertFromStorage = "$_self.getValue().getSExtValue()";
}

//===----------------------------------------------------------------------===//
// Softmax family
//===----------------------------------------------------------------------===//

class Attic_AxisOp<string mnemonic, list<Trait> traits = []>
    : Attic_Op<mnemonic, !listconcat([Pure], traits)> {
  let arguments = (ins Attic_FloatTensor:$input, Attic_I64Attr:$axis);
  let hasVerifier = 1;
  let hasFolder = 1;

  let builders = [
    // Builds the op with `axis` normalized to [0, rank).
    OpBuilder<(ins "::mlir::Value":$input, "int64_t":$axis)>
  ];

  code sharedExtraClassDeclaration = [{
    /// The axis in [0, rank), whatever sign the attribute has.
    int64_t getAxisIndex() {
      int64_t rank = getInput().getType().getRank();
      return getAxis() < 0 ? getAxis() + rank : getAxis();
    }
  }];
  let extraClassDeclaration = sharedExtraClassDeclaration;
}

def Attic_SoftmaxOp : Attic_AxisOp<"softmax", [SameOperandsAndResultType]> {
  let summary = "Softmax along one axis";
  let description = [{
    `softmax(x)_i = exp(x_i - max(x)) / sum_j exp(x_j - max(x))` along `axis`.
    The row maximum is subtracted, so inputs of any magnitude give finite
    results; a row that is entirely `-inf` gives zeros.

    `axis` may be negative (counted from the end); builders and the
    canonicalizer normalize it to `[0, rank)`.

    ```mlir
    %y = attic.softmax %x, axis = 1 : tensor<4x1024xf32>
    ```
  }];
  let results = (outs Attic_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` `axis` `=` $axis attr-dict `:` type($input)
  }];
}

def Attic_LogSoftmaxOp
    : Attic_AxisOp<"log_softmax", [SameOperandsAndResultType]> {
  let summary = "Logarithm of softmax along one axis";
  let description = [{
    `log_softmax(x)_i = x_i - max(x) - log(sum_j exp(x_j - max(x)))` along
    `axis`, computed directly (never as the logarithm of a softmax, which loses
    precision for small probabilities).

    ```mlir
    %y = attic.log_softmax %x, axis = -1 : tensor<4x1024xf16>
    ```
  }];
  let results = (outs Attic_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` `axis` `=` $axis attr-dict `:` type($input)
  }];
}

def Attic_LogSumExpOp : Attic_AxisOp<"logsumexp"> {
  let summary = "Log-sum-exp reduction along one axis";
  let description = [{
    `logsumexp(x) = max(x) + log(sum_j exp(x_j - max(x)))` along `axis`.
    The axis is removed from the result shape, or kept with size 1 when
    `keep_dim` is set. A row that is entirely `-inf` gives `-inf`.

    ```mlir
    %l = attic.logsumexp %x, axis = 1 : tensor<4x1024xf32> -> tensor<4xf32>
    %k = attic.logsumexp %x, axis = 1 {keep_dim}
           : tensor<4x1024xf32> -> tensor<4x1xf32>
    ```
  }];
  let arguments = (ins Attic_FloatTensor:$input, Attic_I64Attr:$axis,
                       UnitAttr:$keep_dim);
  let results = (outs Attic_FloatTensor:$result);
  let builders = [
    // Builds the op with `axis` normalized and the result type inferred.
    OpBuilder<(ins "::mlir::Value":$input, "int64_t":$axis,
                   CArg<"bool", "false">:$keepDim)>
  ];
  let assemblyFormat = [{
    $input `,` `axis` `=` $axis attr-dict `:` type($input) `->` type($result)
  }];
  let extraClassDeclaration = sharedExtraClassDeclaration # [{
    /// The result type for `input` reduced along `axis` (in [0, rank)).
    static ::mlir::RankedTensorType inferResultType(
        ::mlir::RankedTensorType input, int64_t axis, bool keepDim);
  }];
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

// The operands and attributes of attic.attention, shared by its forms.
defvar AtticAttentionArguments = (ins
  Attic_FloatTensor:$query,
  Attic_FloatTensor:$key,
  Attic_FloatTensor:$value,
  Optional<RankedTensorOf<[I1, AnyFloat]>>:$mask,
  Optional<Attic_IntTensor>:$kv_lengths,
  OptionalAttr<F64Attr>:$scale,
  UnitAttr:$causal,
  OptionalAttr<Attic_I64Attr>:$left_window,
  OptionalAttr<Attic_I64Attr>:$right_window,
  OptionalAttr<F64Attr>:$softcap,
  DefaultValuedAttr<Attic_AttentionKernelAttr,
                    "::mlir::attic::AttentionKernel::softmax">:$kernel,
  OptionalAttr<Attic_I64Attr>:$train_length,
  OptionalAttr<F64Attr>:$reweight_power
);

def Attic_AttentionOp : Attic_Op<"attention",
    [Pure, AttrSizedOperandSegments]> {
  let summary = "Scaled dot-product attention and its kernel variants";
  let description = [{
    Multi-head attention over 4-D tensors: `query` `[B, Hq, Sq, D]`, `key`
    `[B, Hkv, Skv, D]`, `value` `[B, Hkv, Skv, Dv]`, result `[B, Hq, Sq, Dv]`.
    `Hq` must be a multiple of `Hkv`; query head `h` reads key/value head
    `h / (Hq / Hkv)` (grouped-query attention; `Hkv = 1` is multi-query).

    **Visibility.** Key `j` is visible to query `i` of batch `b` when all of
    the following that are present hold, with `L = kv_lengths[b]` (or `Skv`)
    and the bottom-right offset `off = L - Sq`:
    - `kv_lengths`: `j < L` (ONNX's `nonpad_kv_seqlen`);
    - `causal`: `j <= i + off` (bottom-right aligned as in ONNX Attention-25:
      with a cache of `P` past keys and `Sq` new queries, `off = P`);
    - `left_window = W`: `j >= i + off - W`;
    - `right_window = W`: `j <= i + off + W`;
    - an `i1` `mask`: `mask[b, h, i, j]` is true.

    **Scores.** For the `softmax` and `softplus` kernels,
    `s = scale * q.k`, then `s = softcap * tanh(s / softcap)` when `softcap`
    is set, then a floating-point `mask` is added. `scale` defaults to
    `1/sqrt(D)`. The mask (either kind) broadcasts to `[B, Hq, Sq, Skv]` by
    NumPy rules.

    **Length scale.** With `train_length = T` (at least 2), the scale of
    query `i` is multiplied by `log(n_i) / log(T)`, where `n_i` counts the
    keys its position lets it see (`kv_lengths`, `causal` and the windows;
    a mask does not change it): the entropy-invariant scale of softplus
    attention ("Softplus Attention with Re-weighting Boosts Length
    Extrapolation"), which leaves rows of `T` keys as they are and sharpens
    longer ones. It applies to the `softmax` and `softplus` kernels.

    **Weights** `w[i, j]` for visible keys (invisible keys weigh 0):
    - `softmax`: `exp(s - max_j s)`, normalized by the row sum;
    - `softplus`: `log(1 + exp(s))`, normalized by the row sum (l1); with
      `reweight_power = p` (positive) the re-weighted form: each normalized
      weight raised to `p` and the row normalized again, which equals
      `softplus(s)^p` normalized by its row sum (`p > 1` sharpens);
    - `elu_plus_one`, `relu`, `squared_relu`: `phi(q).phi(k)` with
      `phi(x) = elu(x) + 1`, `max(x, 0)` or `max(x, 0)^2`, normalized by the
      row sum; the normalization makes `scale` irrelevant, so these kernels
      take no `scale`, `softcap` or float mask;
    - `gaussian`: `exp(-scale * |q - k|^2 / 2)` times `exp(mask)` for a float
      mask; not normalized (SOFT).

    The result is `o[i] = sum_j w[i, j] * v[j]`. A query row with no visible
    key, or whose weights sum to zero, gives zeros, never NaN.

    ```mlir
    %o = attic.attention %q, %k, %v {causal}
           : tensor<2x8x128x64xf32>, tensor<2x2x128x64xf32>,
             tensor<2x2x128x64xf32> -> tensor<2x8x128x64xf32>
    %p = attic.attention %q, %k, %v mask(%m : tensor<2x1x1x128xi1>)
           kv_lengths(%len : tensor<2xi64>)
           {kernel = #attic.kernel<softplus>, left_window = 32 : i64}
           : tensor<2x8x1x64xf32>, tensor<2x2x128x64xf32>,
             tensor<2x2x128x64xf32> -> tensor<2x8x1x64xf32>
    ```
  }];
  let arguments = AtticAttentionArguments;
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
    /// Whether the kernel factorizes as phi(q).phi(k) (linear attention).
    bool hasFeatureMapKernel();
  }];
}

//===----------------------------------------------------------------------===//
// Recurrent linear attention
//===----------------------------------------------------------------------===//

def Attic_LinearAttentionOp : Attic_Op<"linear_attention",
    [Pure, AttrSizedOperandSegments]> {
  let summary = "Recurrent linear attention (ONNX LinearAttention-27)";
  let description = [{
    Linear attention with a matrix-valued state per key/value head:
    `query` `[B, Hq, T, Dk]`, `key` `[B, Hkv, T, Dk]`, `value`
    `[B, Hkv, T, Dv]`, optional `past_state` `[B, Hkv, Dk, Dv]` (zeros when
    absent). Query head `h` reads state `h / (Hq / Hkv)`. For each step `t`:

    - `linear`:      `S_t = S_{t-1} + k_t v_t^T`
    - `gated`:       `S_t = exp(g_t) S_{t-1} + k_t v_t^T`
    - `delta`:       `S_t = S_{t-1} + beta_t k_t (v_t - S_{t-1}^T k_t)^T`
    - `gated_delta`: `S_t = exp(g_t) S_{t-1}
                           + beta_t k_t (v_t - exp(g_t) S_{t-1}^T k_t)^T`

    and `o_t = scale * S_t^T q_t` with `scale` defaulting to `1/sqrt(Dk)`.
    `decay` holds `g` in log space, per head `[B, Hkv, T]` or per key
    dimension `[B, Hkv, T, Dk]` (then `exp(g_t)` scales row `d` of `S` by
    `exp(g_t[d])`); `beta` is `[B, Hkv, T]` or `[B, 1, T]`. The gated rules
    need `decay`, the delta rules need `beta`, and neither may be given to a
    rule that does not use it. The state accumulates in f32. Results: the
    output `[B, Hq, T, Dv]` and the final state `present_state`.

    ```mlir
    %o, %s = attic.linear_attention %q, %k, %v past(%s0 : tensor<1x4x64x64xf32>)
               decay(%g : tensor<1x4x16xf32>) beta(%b : tensor<1x4x16xf32>)
               {update_rule = #attic.update_rule<gated_delta>}
               : tensor<1x4x16x64xf32>, tensor<1x4x16x64xf32>,
                 tensor<1x4x16x64xf32> -> tensor<1x4x16x64xf32>,
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
    OptionalAttr<F64Attr>:$scale
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
    /// The scale applied to S^T q: the attribute, or 1/sqrt(Dk) by default
    /// (none when Dk is dynamic and no scale is given).
    std::optional<double> getEffectiveScale();
  }];
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

class Attic_LossOp<string mnemonic, list<Trait> traits = []>
    : Attic_Op<mnemonic, !listconcat([Pure], traits)> {
  let hasVerifier = 1;
}

def Attic_CrossEntropyOp : Attic_LossOp<"cross_entropy"> {
  let summary = "Softmax cross-entropy loss (ONNX SoftmaxCrossEntropyLoss)";
  let description = [{
    `logits` `[N, C]` or `[N, C, d1, ..., dk]`, integer `labels` `[N]` or
    `[N, d1, ..., dk]`, optional class `weights` `[C]`. Per position, with
    `lse = logsumexp_c(x_c)`, `y` the label, `w_y = weights[y]` (1 without
    weights) and `a = 0` where `y == ignore_index`, else `w_y`:

    `l = a (1 - eps) phi(x_y - lse)
         + [y != ignore] (eps / C) sum_c w_c phi(x_c - lse)
         + [y != ignore] z_loss * lse^2`

    where `eps = label_smoothing` (the smoothing term as in PyTorch) and
    `phi(log p)` is the comp-sum loss of a class of probability `p` that
    `kind` selects ("Cross-Entropy Loss Functions: Theoretical Analysis and
    Applications", Mao, Mohri and Zhong):

    | kind | phi | gradient scale `-dphi / dlog p` |
    |---|---|---|
    | `cross_entropy` (default) | `-log p` | 1 |
    | `generalized_cross_entropy` | `(1 - p^q) / q`, `q` in (0, 1] | `p^q` |
    | `mean_absolute_error` | `1 - p` | `p` |
    | `sum_exponential` | `1 / p - 1` | `1 / p` |

    `q` is given with `generalized_cross_entropy` and only with it. Label
    smoothing is rejected with `sum_exponential`: its smoothing term sums
    `1 / p_c` over every class and the least likely class dominates it. With
    `reduction = none` the result is `l` `[N, d1, ...]`; `sum` gives
    `sum(l)`; `mean` (the default) gives `sum(l) / sum(a)`, the mean over the
    sum of applied weights as ONNX defines it. Labels outside `[0, C)` other
    than `ignore_index` are undefined behaviour.

    The optional second result is the per-position `lse` `[N, d1, ...]`,
    which a backward pass or a z-loss needs.

    ```mlir
    %loss = attic.cross_entropy %x, %y {ignore_index = -100 : i64}
              : tensor<8x32000xf32>, tensor<8xi64> -> tensor<f32>
    %l, %lse = attic.cross_entropy %x, %y weights(%w : tensor<32000xf32>)
              {reduction = #attic.reduction<none>, z_loss = 1.0e-4}
              : tensor<8x32000xf32>, tensor<8xi64> -> tensor<8xf32>, tensor<8xf32>
    ```
  }];
  let arguments = (ins
    Attic_FloatTensor:$logits,
    Attic_IntTensor:$labels,
    Optional<Attic_FloatTensor>:$weights,
    DefaultValuedAttr<Attic_ReductionAttr,
                      "::mlir::attic::Reduction::mean">:$reduction,
    OptionalAttr<Attic_I64Attr>:$ignore_index,
    DefaultValuedAttr<F64Attr, "0.0">:$label_smoothing,
    DefaultValuedAttr<F64Attr, "0.0">:$z_loss,
    DefaultValuedAttr<Attic_LossKindAttr,
                      "::mlir::attic::LossKind::cross_entropy">:$kind,
    OptionalAttr<F64Attr>:$q
  );
  let results = (outs Attic_FloatTensor:$loss, Optional<Attic_FloatTensor>:$lse);
  let assemblyFormat = [{
    $logits `,` $labels (`weights` `(` $weights^ `:` type($weights) `)`)?
    attr-dict `:` type($logits) `,` type($labels) `->` type(results)
  }];
}

def Attic_NllLossOp : Attic_LossOp<"nll_loss"> {
  let summary = "Negative log-likelihood loss (ONNX NegativeLogLikelihoodLoss)";
  let description = [{
    The loss of given log-probabilities: `log_probs` `[N, C]` or
    `[N, C, d1, ..., dk]`, integer `labels` `[N]` or `[N, d1, ..., dk]`,
    optional class `weights` `[C]`. Per position, with `y` the label and
    `a = 0` where `y == ignore_index`, else `weights[y]` (1 without
    weights):

    `l = -a log_probs[n, y, d...]`

    With `reduction = none` the result is `l` `[N, d1, ...]`; `sum` gives
    `sum(l)`; `mean` (the default) gives `sum(l) / sum(a)`, NaN when every
    label is ignored, as ONNX defines it. Labels outside `[0, C)` other
    than `ignore_index` are undefined behaviour. Of a log-softmax along the
    classes it is `attic.cross_entropy` of the logits, which the
    canonicalizer makes it.

    ```mlir
    %loss = attic.nll_loss %lp, %y weights(%w : tensor<10xf32>)
              {ignore_index = -1 : i64, reduction = #attic.reduction<sum>}
              : tensor<4x10xf32>, tensor<4xi64> -> tensor<f32>
    ```
  }];
  let arguments = (ins
    Attic_FloatTensor:$log_probs,
    Attic_IntTensor:$labels,
    Optional<Attic_FloatTensor>:$weights,
    DefaultValuedAttr<Attic_ReductionAttr,
                      "::mlir::attic::Reduction::mean">:$reduction,
    OptionalAttr<Attic_I64Attr>:$ignore_index
  );
  let results = (outs Attic_FloatTensor:$loss);
  let assemblyFormat = [{
    $log_probs `,` $labels (`weights` `(` $weights^ `:` type($weights) `)`)?
    attr-dict `:` type($log_probs) `,` type($labels) `->` type($loss)
  }];
}

// The operands and attributes of attic.linear_cross_entropy, shared by its
// form.
defvar AtticLinearCrossEntropyArguments = (ins
  Attic_FloatTensor:$hidden,
  Attic_FloatTensor:$classifier,
  Attic_IntTensor:$labels,
  Optional<Attic_FloatTensor>:$bias,
  Optional<Attic_FloatTensor>:$weights,
  OptionalAttr<F64Attr>:$softcap,
  DefaultValuedAttr<Attic_ReductionAttr,
                    "::mlir::attic::Reduction::mean">:$reduction,
  OptionalAttr<Attic_I64Attr>:$ignore_index,
  DefaultValuedAttr<F64Attr, "0.0">:$label_smoothing,
  DefaultValuedAttr<F64Attr, "0.0">:$z_loss,
  DefaultValuedAttr<Attic_LossKindAttr,
                    "::mlir::attic::LossKind::cross_entropy">:$kind,
  OptionalAttr<F64Attr>:$q
);

def Attic_LinearCrossEntropyOp : Attic_LossOp<"linear_cross_entropy",
    [AttrSizedOperandSegments]> {
  let summary = "Classifier matmul fused with softmax cross-entropy";
  let description = [{
    The loss of a classifier head as one op: `hidden` `[N, D]`, `classifier`
    `[V, D]`, integer `labels` `[N]`, optional `bias` `[V]` and class
    `weights` `[V]`. The logits are `z = hidden . classifier^T + bias`, then
    `z = softcap * tanh(z / softcap)` when `softcap` is set; the loss is that
    of `attic.cross_entropy` on `z` with the same attributes, `kind` and `q`
    included. Keeping the
    matmul inside the op lets cut cross-entropy compute the loss without ever
    materializing the `N x V` logits. The optional second result is the
    per-token log-sum-exp `[N]`.

    ```mlir
    %loss = attic.linear_cross_entropy %h, %w, %y {ignore_index = -100 : i64}
              : tensor<4096x2048xbf16>, tensor<131072x2048xbf16>,
                tensor<4096xi64> -> tensor<f32>
    ```
  }];
  let arguments = AtticLinearCrossEntropyArguments;
  let results = (outs Attic_FloatTensor:$loss, Optional<Attic_FloatTensor>:$lse);
  let assemblyFormat = [{
    $hidden `,` $classifier `,` $labels
    (`bias` `(` $bias^ `:` type($bias) `)`)?
    (`weights` `(` $weights^ `:` type($weights) `)`)?
    attr-dict `:` type($hidden) `,` type($classifier) `,` type($labels)
    `->` type(results)
  }];
}

// The operands and attributes of the gradient of linear_cross_entropy: those
// of the loss, the gradient of the loss result and, optionally, the lse the
// forward computed.
defvar AtticLinearCrossEntropyGradArguments = !con(
  AtticLinearCrossEntropyArguments,
  (ins Attic_FloatTensor:$grad_loss, Optional<Attic_FloatTensor>:$lse));

def Attic_LinearCrossEntropyGradOp : Attic_LossOp<"linear_cross_entropy_grad",
    [AttrSizedOperandSegments]> {
  let summary = "Gradient of linear_cross_entropy";
  let description = [{
    The gradients of `attic.linear_cross_entropy` (same operands and
    attributes) with respect to `hidden`, `classifier` and, when there is a
    bias, `bias`, given `grad_loss`, the gradient of the loss result (`[N]`
    with reduction `none`, 0-D otherwise). `lse` `[N]`, the log-sum-exp the
    forward op returned, saves recomputing it; without it the op computes it.

    With `p = softmax(z)` over the classes of a token, `y` its label, `w`
    the class weights (1 without), `eps` the label smoothing, `g` the
    token's share of `grad_loss` (`grad_loss[i]`, `grad_loss` or
    `grad_loss / sum of applied weights` for `none`, `sum` and `mean`; 0
    where the label is ignored) and `e` the exponent of the loss kind (0
    for cross_entropy, `q`, 1 and -1 for the others; `phi(log p) =
    (1 - p^e) / e`, the gradient scale `k = p_y^e`), the gradient of the
    loss with respect to the logits is

        dz_c = g (w_y (1 - eps) k + eps T / C + 2 z_loss lse) p_c
             - g w_y (1 - eps) k [c = y] - g (eps / C) w_c p_c^e

    where `T = sum_c w_c p_c^e` (`sum_c w_c` for cross_entropy);

    then `du = dz (1 - (z / softcap)^2)` with a softcap, and
    `grad_hidden = du . classifier`, `grad_classifier = du^T . hidden`,
    `grad_bias = sum_n du`.

    ```mlir
    %dh, %dc = attic.linear_cross_entropy_grad %h, %w, %y, %dl
                 lse(%lse : tensor<4096xf32>) {ignore_index = -100 : i64}
                 : tensor<4096x2048xf32>, tensor<131072x2048xf32>,
                   tensor<4096xi64>, tensor<f32>
                 -> tensor<4096x2048xf32>, tensor<131072x2048xf32>
    ```
  }];
  let arguments = AtticLinearCrossEntropyGradArguments;
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
}

def Attic_SphericalZLossOp : Attic_LossOp<"spherical_z_loss"> {
  let summary = "The spherical Z-loss: a shift- and scale-invariant loss";
  let description = [{
    The Z-loss of "The Z-loss: a shift and scale invariant classification
    loss belonging to the Spherical Family" (de Brebisson and Vincent):
    `logits` `[N, C]` or `[N, C, d1, ..., dk]`, integer `labels` `[N]` or
    `[N, d1, ..., dk]`, optional class `weights` `[C]`. Per position the
    logits are standardized by their mean and (population) standard
    deviation over the classes, `mu = sum_c x_c / C`,
    `sigma = sqrt(sum_c (x_c - mu)^2 / C)`, and with `zhat = (x_y - mu) /
    sigma` for the label `y`:

    `l = w_y softplus(a (b - zhat)) / a`

    with `w_y = weights[y]` (1 without weights), 0 where
    `y == ignore_index`. `a > 0` and `b` are the loss's two parameters: `b`
    is the standardized logit beyond which the loss flattens and `a` how
    sharply. A position whose logits are all equal (`sigma = 0`) has
    `zhat = 0`. The reductions are those of `attic.cross_entropy`: `none`
    gives `l` `[N, d1, ...]`, `sum` its sum and `mean` (the default) the sum
    over the sum of applied weights. The loss never forms probabilities, so
    `label_smoothing`, `z_loss`, `kind` and `q` are not attributes of it; the
    verifier rejects them by name.

    ```mlir
    %loss = attic.spherical_z_loss %x, %y {a = 0.1, b = 20.0,
              ignore_index = -100 : i64}
              : tensor<8x32000xf32>, tensor<8xi64> -> tensor<f32>
    ```
  }];
  let arguments = (ins
    Attic_FloatTensor:$logits,
    Attic_IntTensor:$labels,
    Optional<Attic_FloatTensor>:$weights,
    F64Attr:$a,
    F64Attr:$b,
    DefaultValuedAttr<Attic_ReductionAttr,
                      "::mlir::attic::Reduction::mean">:$reduction,
    OptionalAttr<Attic_I64Attr>:$ignore_index
  );
  let results = (outs Attic_FloatTensor:$loss);
  let assemblyFormat = [{
    $logits `,` $labels (`weights` `(` $weights^ `:` type($weights) `)`)?
    attr-dict `:` type($logits) `,` type($labels) `->` type($loss)
  }];
}

// The operands and attributes of attic.linear_spherical_z_loss, shared by
// its gradient.
defvar AtticLinearSphericalZLossArguments = (ins
  Attic_FloatTensor:$hidden,
  Attic_FloatTensor:$classifier,
  Attic_IntTensor:$labels,
  Optional<Attic_FloatTensor>:$bias,
  Optional<Attic_FloatTensor>:$weights,
  OptionalAttr<F64Attr>:$softcap,
  F64Attr:$a,
  F64Attr:$b,
  DefaultValuedAttr<Attic_ReductionAttr,
                    "::mlir::attic::Reduction::mean">:$reduction,
  OptionalAttr<Attic_I64Attr>:$ignore_index
);

def Attic_LinearSphericalZLossOp : Attic_LossOp<"linear_spherical_z_loss",
    [AttrSizedOperandSegments]> {
  let summary = "Classifier matmul fused with the spherical Z-loss";
  let description = [{
    `attic.spherical_z_loss` of the logits of a classifier head: `hidden`
    `[N, D]`, `classifier` `[V, D]`, integer `labels` `[N]`, optional `bias`
    `[V]` and class `weights` `[V]`. The logits are `z = hidden .
    classifier^T + bias`, then `z = softcap * tanh(z / softcap)` when
    `softcap` is set, as for `attic.linear_cross_entropy`; the loss needs
    only each token's sum and sum of squares of `z` and its label's logit,
    so a blockwise form never has to hold the `N x V` logits.

    ```mlir
    %loss = attic.linear_spherical_z_loss %h, %w, %y {a = 0.1, b = 20.0}
              : tensor<4096x2048xf32>, tensor<131072x2048xf32>,
                tensor<4096xi64> -> tensor<f32>
    ```
  }];
  let arguments = AtticLinearSphericalZLossArguments;
  let results = (outs Attic_FloatTensor:$loss);
  let assemblyFormat = [{
    $hidden `,` $classifier `,` $labels
    (`bias` `(` $bias^ `:` type($bias) `)`)?
    (`weights` `(` $weights^ `:` type($weights) `)`)?
    attr-dict `:` type($hidden) `,` type($classifier) `,` type($labels)
    `->` type($loss)
  }];
}

def Attic_LinearSphericalZLossGradOp
    : Attic_LossOp<"linear_spherical_z_loss_grad", [AttrSizedOperandSegments]> {
  let summary = "Gradient of linear_spherical_z_loss";
  let description = [{
    The gradients of `attic.linear_spherical_z_loss` (same operands and
    attributes) with respect to `hidden`, `classifier` and, when there is a
    bias, `bias`, given `grad_loss`, the gradient of the loss result (`[N]`
    with reduction `none`, 0-D otherwise).

    With `zhat_c = (z_c - mu) / sigma` the standardized logits of a token,
    `y` its label, `w_y` the label's class weight (1 without), `C` the
    number of classes, `s = sigmoid(a (b - zhat_y))` and `g` the token's
    share of `grad_loss` (as for `attic.linear_cross_entropy_grad`; 0 where
    the label is ignored), the gradient with respect to the logits is

        dz_c = -(g w_y s / sigma) ([c = y] - 1 / C - zhat_y zhat_c / C)

    and 0 where `sigma = 0`; then `du = dz (1 - (z / softcap)^2)` with a
    softcap, `grad_hidden = du . classifier`, `grad_classifier = du^T .
    hidden`, `grad_bias = sum_n du`. `dz_c` is affine in `z_c`, so per token
    it needs only the mean, sigma and the label's logit.

    ```mlir
    %dh, %dc = attic.linear_spherical_z_loss_grad %h, %w, %y, %dl
                 {a = 0.1, b = 20.0}
                 : tensor<4096x2048xf32>, tensor<131072x2048xf32>,
                   tensor<4096xi64>, tensor<f32>
                 -> tensor<4096x2048xf32>, tensor<131072x2048xf32>
    ```
  }];
  let arguments = !con(AtticLinearSphericalZLossArguments,
                       (ins Attic_FloatTensor:$grad_loss));
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
}

//===----------------------------------------------------------------------===//
// Top-k of a softmax
//===----------------------------------------------------------------------===//

def Attic_TopKSoftmaxOp : Attic_Op<"topk_softmax", [Pure]> {
  let summary = "The k largest softmax probabilities and their indices";
  let description = [{
    `topk(softmax(x, axis), k)` along `axis`: `values` holds the `k` largest
    probabilities in descending order (ties broken by the lower index) and
    `indices` their positions (i64). `axis` may be negative; the
    canonicalizer normalizes it. With `renormalize`, the values are
    divided by their sum, as mixture-of-experts gates do. The result shape is
    the input shape with `axis` of size `k`.

    ```mlir
    %v, %i = attic.topk_softmax %gate, k = 2, axis = 1 {renormalize}
               : tensor<16x8xf32> -> tensor<16x2xf32>, tensor<16x2xi64>
    ```
  }];
  let arguments = (ins Attic_FloatTensor:$input, Attic_I64Attr:$k,
                       DefaultValuedAttr<Attic_I64Attr, "-1">:$axis,
                       UnitAttr:$renormalize);
  let results = (outs Attic_FloatTensor:$values,
                      RankedTensorOf<[I64]>:$indices);
  let assemblyFormat = [{
    $input `,` `k` `=` $k `,` `axis` `=` $axis attr-dict `:` type($input)
    `->` type($values) `,` type($indices)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// The axis in [0, rank), whatever sign the attribute has.
    int64_t getAxisIndex() {
      int64_t rank = getInput().getType().getRank();
      return getAxis() < 0 ? getAxis() + rank : getAxis();
    }
  }];
}

include "dialects/attic/AtticFormOps.td"

#endif // ATTIC_OPS_TD
