// attic.attention with the softmax kernel against the naive float64
// reference: grouped-query heads, causal (bottom-right aligned), windows,
// kv_lengths (down to rows with no visible key), i1 and float masks with
// fully masked rows (which give 0), scale and softcap.
// RUN: rm -rf %t
// RUN: %naive attn_gqa %t/a && attic-run %s --function=attn_gqa --data-set=%t/a | FileCheck %s
// RUN: attic-run %s --function=attn_gqa --data-set=%t/a --vectorize=false | FileCheck %s
// RUN: %naive attn_causal %t/b && attic-run %s --function=attn_causal --data-set=%t/b | FileCheck %s
// RUN: %naive attn_window %t/c && attic-run %s --function=attn_window --data-set=%t/c | FileCheck %s
// RUN: %naive attn_kv_lengths %t/d && attic-run %s --function=attn_kv_lengths --data-set=%t/d | FileCheck %s
// RUN: %naive attn_bool_mask %t/e && attic-run %s --function=attn_bool_mask --data-set=%t/e | FileCheck %s
// RUN: %naive attn_float_mask %t/f && attic-run %s --function=attn_float_mask --data-set=%t/f | FileCheck %s

// CHECK: result 0 vs {{.*}}output_0.npy: {{.*}}: ok

func.func @attn_gqa(%q: tensor<2x4x5x8xf32>, %k: tensor<2x2x7x8xf32>, %v: tensor<2x2x7x6xf32>) -> tensor<2x4x5x6xf32> {
  %o = attic.attention %q, %k, %v : tensor<2x4x5x8xf32>, tensor<2x2x7x8xf32>, tensor<2x2x7x6xf32> -> tensor<2x4x5x6xf32>
  return %o : tensor<2x4x5x6xf32>
}

func.func @attn_causal(%q: tensor<2x2x5x8xf32>, %k: tensor<2x1x7x8xf32>, %v: tensor<2x1x7x8xf32>) -> tensor<2x2x5x8xf32> {
  %o = attic.attention %q, %k, %v {causal} : tensor<2x2x5x8xf32>, tensor<2x1x7x8xf32>, tensor<2x1x7x8xf32> -> tensor<2x2x5x8xf32>
  return %o : tensor<2x2x5x8xf32>
}

func.func @attn_window(%q: tensor<1x2x6x4xf32>, %k: tensor<1x2x6x4xf32>, %v: tensor<1x2x6x4xf32>) -> tensor<1x2x6x4xf32> {
  %o = attic.attention %q, %k, %v {left_window = 2 : i64, right_window = 1 : i64} : tensor<1x2x6x4xf32>, tensor<1x2x6x4xf32>, tensor<1x2x6x4xf32> -> tensor<1x2x6x4xf32>
  return %o : tensor<1x2x6x4xf32>
}

func.func @attn_kv_lengths(%q: tensor<3x2x4x4xf32>, %k: tensor<3x2x8x4xf32>, %v: tensor<3x2x8x4xf32>, %len: tensor<3xi64>) -> tensor<3x2x4x4xf32> {
  %o = attic.attention %q, %k, %v kv_lengths(%len : tensor<3xi64>) {causal, left_window = 3 : i64} : tensor<3x2x4x4xf32>, tensor<3x2x8x4xf32>, tensor<3x2x8x4xf32> -> tensor<3x2x4x4xf32>
  return %o : tensor<3x2x4x4xf32>
}

func.func @attn_bool_mask(%q: tensor<2x2x4x4xf32>, %k: tensor<2x2x6x4xf32>, %v: tensor<2x2x6x3xf32>, %m: tensor<2x1x4x6xi1>) -> tensor<2x2x4x3xf32> {
  %o = attic.attention %q, %k, %v mask(%m : tensor<2x1x4x6xi1>) : tensor<2x2x4x4xf32>, tensor<2x2x6x4xf32>, tensor<2x2x6x3xf32> -> tensor<2x2x4x3xf32>
  return %o : tensor<2x2x4x3xf32>
}

func.func @attn_float_mask(%q: tensor<1x2x4x4xf32>, %k: tensor<1x1x6x4xf32>, %v: tensor<1x1x6x4xf32>, %m: tensor<4x6xf32>) -> tensor<1x2x4x4xf32> {
  %o = attic.attention %q, %k, %v mask(%m : tensor<4x6xf32>) {scale = 0.3, softcap = 2.0} : tensor<1x2x4x4xf32>, tensor<1x1x6x4xf32>, tensor<1x1x6x4xf32> -> tensor<1x2x4x4xf32>
  return %o : tensor<1x2x4x4xf32>
}
