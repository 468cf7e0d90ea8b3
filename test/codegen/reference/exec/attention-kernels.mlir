// The other kernels of attic.attention against the naive float64 reference:
// softplus (l1-normalized, causal), the feature maps elu_plus_one (with
// grouped-query heads), relu (causal), squared_relu (causal, multi-query,
// more keys than queries), and gaussian with a float mask
// (exp(-|q - k|^2 / 2 * scale + mask), not normalized); the length scale
// log(n_i) / log(train_length) with softplus (re-weighted by a power 3, rows
// of different key counts from causal, a window and kv_lengths) and with
// softmax (softcap, more keys than queries).
// RUN: rm -rf %t
// RUN: %naive attn_softplus %t/a && attic-run %s --function=attn_softplus --data-set=%t/a | FileCheck %s
// RUN: %naive attn_elu_plus_one %t/b && attic-run %s --function=attn_elu_plus_one --data-set=%t/b | FileCheck %s
// RUN: %naive attn_relu %t/c && attic-run %s --function=attn_relu --data-set=%t/c | FileCheck %s
// RUN: %naive attn_squared_relu %t/e && attic-run %s --function=attn_squared_relu --data-set=%t/e | FileCheck %s
// RUN: %naive attn_softplus_length %t/f && attic-run %s --function=attn_softplus_length --data-set=%t/f | FileCheck %s
// RUN: %naive attn_softmax_length %t/g && attic-run %s --function=attn_softmax_length --data-set=%t/g | FileCheck %s
// RUN: %naive attn_gaussian %t/d && attic-run %s --function=attn_gaussian --data-set=%t/d | FileCheck %s

// CHECK: result 0 vs {{.*}}output_0.npy: {{.*}}: ok

func.func @attn_softplus(%q: tensor<1x2x5x4xf32>, %k: tensor<1x2x5x4xf32>, %v: tensor<1x2x5x4xf32>) -> tensor<1x2x5x4xf32> {
  %o = attic.attention %q, %k, %v {kernel = #attic.kernel<softplus>, causal} : tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32> -> tensor<1x2x5x4xf32>
  return %o : tensor<1x2x5x4xf32>
}

func.func @attn_elu_plus_one(%q: tensor<1x4x5x4xf32>, %k: tensor<1x2x6x4xf32>, %v: tensor<1x2x6x3xf32>) -> tensor<1x4x5x3xf32> {
  %o = attic.attention %q, %k, %v {kernel = #attic.kernel<elu_plus_one>} : tensor<1x4x5x4xf32>, tensor<1x2x6x4xf32>, tensor<1x2x6x3xf32> -> tensor<1x4x5x3xf32>
  return %o : tensor<1x4x5x3xf32>
}

func.func @attn_relu(%q: tensor<1x2x5x4xf32>, %k: tensor<1x2x5x4xf32>, %v: tensor<1x2x5x3xf32>) -> tensor<1x2x5x3xf32> {
  %o = attic.attention %q, %k, %v {kernel = #attic.kernel<relu>, causal} : tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x3xf32> -> tensor<1x2x5x3xf32>
  return %o : tensor<1x2x5x3xf32>
}

func.func @attn_gaussian(%q: tensor<1x2x4x3xf32>, %k: tensor<1x2x5x3xf32>, %v: tensor<1x2x5x3xf32>, %m: tensor<1x2x4x5xf32>) -> tensor<1x2x4x3xf32> {
  %o = attic.attention %q, %k, %v mask(%m : tensor<1x2x4x5xf32>) {kernel = #attic.kernel<gaussian>} : tensor<1x2x4x3xf32>, tensor<1x2x5x3xf32>, tensor<1x2x5x3xf32> -> tensor<1x2x4x3xf32>
  return %o : tensor<1x2x4x3xf32>
}

func.func @attn_squared_relu(%q: tensor<2x4x6x4xf32>, %k: tensor<2x1x7x4xf32>, %v: tensor<2x1x7x3xf32>) -> tensor<2x4x6x3xf32> {
  %o = attic.attention %q, %k, %v {kernel = #attic.kernel<squared_relu>, causal} : tensor<2x4x6x4xf32>, tensor<2x1x7x4xf32>, tensor<2x1x7x3xf32> -> tensor<2x4x6x3xf32>
  return %o : tensor<2x4x6x3xf32>
}

func.func @attn_softplus_length(%q: tensor<2x4x6x4xf32>, %k: tensor<2x2x9x4xf32>, %v: tensor<2x2x9x3xf32>, %len: tensor<2xi64>) -> tensor<2x4x6x3xf32> {
  %o = attic.attention %q, %k, %v kv_lengths(%len : tensor<2xi64>) {kernel = #attic.kernel<softplus>, causal, left_window = 5 : i64, train_length = 3 : i64, reweight_power = 3.0} : tensor<2x4x6x4xf32>, tensor<2x2x9x4xf32>, tensor<2x2x9x3xf32> -> tensor<2x4x6x3xf32>
  return %o : tensor<2x4x6x3xf32>
}

func.func @attn_softmax_length(%q: tensor<1x2x5x4xf32>, %k: tensor<1x1x12x4xf32>, %v: tensor<1x1x12x4xf32>) -> tensor<1x2x5x4xf32> {
  %o = attic.attention %q, %k, %v {causal, softcap = 4.0, train_length = 4 : i64} : tensor<1x2x5x4xf32>, tensor<1x1x12x4xf32>, tensor<1x1x12x4xf32> -> tensor<1x2x5x4xf32>
  return %o : tensor<1x2x5x4xf32>
}
