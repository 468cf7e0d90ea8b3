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

#endif // ATTIC_FORM_OPS_TD
