// attic.linear_attention against the naive float64 recurrence: every update
// rule, grouped-query heads, past state, per-head and per-key decay, beta per
// head and shared by all heads ([B, 1, T]), and one decoding step (T = 1).
// Both results are checked: the output and the present state.
// RUN: rm -rf %t
// RUN: %naive la_linear %t/a && attic-run %s --function=la_linear --data-set=%t/a | FileCheck %s
// RUN: %naive la_gated_head %t/b && attic-run %s --function=la_gated_head --data-set=%t/b | FileCheck %s
// RUN: %naive la_gated_key %t/c && attic-run %s --function=la_gated_key --data-set=%t/c | FileCheck %s
// RUN: %naive la_delta %t/d && attic-run %s --function=la_delta --data-set=%t/d | FileCheck %s
// RUN: %naive la_delta_shared_beta %t/e && attic-run %s --function=la_delta_shared_beta --data-set=%t/e | FileCheck %s
// RUN: %naive la_gated_delta %t/f && attic-run %s --function=la_gated_delta --data-set=%t/f | FileCheck %s
// RUN: %naive la_gated_delta_step %t/g && attic-run %s --function=la_gated_delta_step --data-set=%t/g | FileCheck %s

// CHECK: result 0 vs {{.*}}output_0.npy: {{.*}}: ok
// CHECK: result 1 vs {{.*}}output_1.npy: {{.*}}: ok

func.func @la_linear(%q: tensor<1x2x5x3xf32>, %k: tensor<1x1x5x3xf32>, %v: tensor<1x1x5x4xf32>) -> (tensor<1x2x5x4xf32>, tensor<1x1x3x4xf32>) {
  %o, %s = attic.linear_attention %q, %k, %v : tensor<1x2x5x3xf32>, tensor<1x1x5x3xf32>, tensor<1x1x5x4xf32> -> tensor<1x2x5x4xf32>, tensor<1x1x3x4xf32>
  return %o, %s : tensor<1x2x5x4xf32>, tensor<1x1x3x4xf32>
}

func.func @la_gated_head(%q: tensor<2x2x5x3xf32>, %k: tensor<2x2x5x3xf32>, %v: tensor<2x2x5x2xf32>, %p: tensor<2x2x3x2xf32>, %g: tensor<2x2x5xf32>) -> (tensor<2x2x5x2xf32>, tensor<2x2x3x2xf32>) {
  %o, %s = attic.linear_attention %q, %k, %v past(%p : tensor<2x2x3x2xf32>) decay(%g : tensor<2x2x5xf32>) {update_rule = #attic.update_rule<gated>, scale = 0.5} : tensor<2x2x5x3xf32>, tensor<2x2x5x3xf32>, tensor<2x2x5x2xf32> -> tensor<2x2x5x2xf32>, tensor<2x2x3x2xf32>
  return %o, %s : tensor<2x2x5x2xf32>, tensor<2x2x3x2xf32>
}

func.func @la_gated_key(%q: tensor<1x4x4x3xf32>, %k: tensor<1x2x4x3xf32>, %v: tensor<1x2x4x2xf32>, %g: tensor<1x2x4x3xf32>) -> (tensor<1x4x4x2xf32>, tensor<1x2x3x2xf32>) {
  %o, %s = attic.linear_attention %q, %k, %v decay(%g : tensor<1x2x4x3xf32>) {update_rule = #attic.update_rule<gated>} : tensor<1x4x4x3xf32>, tensor<1x2x4x3xf32>, tensor<1x2x4x2xf32> -> tensor<1x4x4x2xf32>, tensor<1x2x3x2xf32>
  return %o, %s : tensor<1x4x4x2xf32>, tensor<1x2x3x2xf32>
}

func.func @la_delta(%q: tensor<1x2x5x3xf32>, %k: tensor<1x2x5x3xf32>, %v: tensor<1x2x5x3xf32>, %p: tensor<1x2x3x3xf32>, %b: tensor<1x2x5xf32>) -> (tensor<1x2x5x3xf32>, tensor<1x2x3x3xf32>) {
  %o, %s = attic.linear_attention %q, %k, %v past(%p : tensor<1x2x3x3xf32>) beta(%b : tensor<1x2x5xf32>) {update_rule = #attic.update_rule<delta>} : tensor<1x2x5x3xf32>, tensor<1x2x5x3xf32>, tensor<1x2x5x3xf32> -> tensor<1x2x5x3xf32>, tensor<1x2x3x3xf32>
  return %o, %s : tensor<1x2x5x3xf32>, tensor<1x2x3x3xf32>
}

func.func @la_delta_shared_beta(%q: tensor<2x4x3x2xf32>, %k: tensor<2x2x3x2xf32>, %v: tensor<2x2x3x3xf32>, %b: tensor<2x1x3xf32>) -> (tensor<2x4x3x3xf32>, tensor<2x2x2x3xf32>) {
  %o, %s = attic.linear_attention %q, %k, %v beta(%b : tensor<2x1x3xf32>) {update_rule = #attic.update_rule<delta>} : tensor<2x4x3x2xf32>, tensor<2x2x3x2xf32>, tensor<2x2x3x3xf32> -> tensor<2x4x3x3xf32>, tensor<2x2x2x3xf32>
  return %o, %s : tensor<2x4x3x3xf32>, tensor<2x2x2x3xf32>
}

func.func @la_gated_delta(%q: tensor<2x2x4x3xf32>, %k: tensor<2x1x4x3xf32>, %v: tensor<2x1x4x2xf32>, %p: tensor<2x1x3x2xf32>, %g: tensor<2x1x4xf32>, %b: tensor<2x1x4xf32>) -> (tensor<2x2x4x2xf32>, tensor<2x1x3x2xf32>) {
  %o, %s = attic.linear_attention %q, %k, %v past(%p : tensor<2x1x3x2xf32>) decay(%g : tensor<2x1x4xf32>) beta(%b : tensor<2x1x4xf32>) {update_rule = #attic.update_rule<gated_delta>} : tensor<2x2x4x3xf32>, tensor<2x1x4x3xf32>, tensor<2x1x4x2xf32> -> tensor<2x2x4x2xf32>, tensor<2x1x3x2xf32>
  return %o, %s : tensor<2x2x4x2xf32>, tensor<2x1x3x2xf32>
}

func.func @la_gated_delta_step(%q: tensor<1x2x1x3xf32>, %k: tensor<1x2x1x3xf32>, %v: tensor<1x2x1x2xf32>, %p: tensor<1x2x3x2xf32>, %g: tensor<1x2x1x3xf32>, %b: tensor<1x1x1xf32>) -> (tensor<1x2x1x2xf32>, tensor<1x2x3x2xf32>) {
  %o, %s = attic.linear_attention %q, %k, %v past(%p : tensor<1x2x3x2xf32>) decay(%g : tensor<1x2x1x3xf32>) beta(%b : tensor<1x1x1xf32>) {update_rule = #attic.update_rule<gated_delta>, scale = 1.0} : tensor<1x2x1x3xf32>, tensor<1x2x1x3xf32>, tensor<1x2x1x2xf32> -> tensor<1x2x1x2xf32>, tensor<1x2x3x2xf32>
  return %o, %s : tensor<1x2x1x2xf32>, tensor<1x2x3x2xf32>
}
