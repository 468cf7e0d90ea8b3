// attic-linear-attention: feature-map attention becomes
// attic.linearized_attention and long attic.linear_attention becomes
// attic.chunked_linear_attention, operands and attributes kept; what the
// forms cannot take is left alone.
// RUN: attic-opt %s --attic-linear-attention --split-input-file | FileCheck %s
// RUN: attic-opt %s --attic-linear-attention='chunk-size=32 min-chunked-length=1' --split-input-file | FileCheck %s --check-prefix=OPT
// RUN: not attic-opt %s --attic-linear-attention='chunk-size=0' 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: attic-linear-attention: chunk-size must be at least 1, got 0

// CHECK-LABEL: func.func @feature_maps
// CHECK: attic.linearized_attention %{{.*}}, %{{.*}}, %{{.*}} mask(%{{.*}} : tensor<2x1x1x16xi1>) {causal, chunk_size = 64 : i64, kernel = #attic.kernel<elu_plus_one>}
// CHECK: attic.linearized_attention %{{.*}}, %{{.*}}, %{{.*}} kv_lengths(%{{.*}} : tensor<2xi64>) {chunk_size = 64 : i64, kernel = #attic.kernel<relu>}
// CHECK: attic.linearized_attention %{{.*}}, %{{.*}}, %{{.*}} {causal, chunk_size = 64 : i64, kernel = #attic.kernel<squared_relu>}
// CHECK-NOT: attic.attention
// OPT-LABEL: func.func @feature_maps
// OPT-COUNT-3: chunk_size = 32
func.func @feature_maps(%q: tensor<2x4x8x16xf32>, %k: tensor<2x2x16x16xf32>, %v: tensor<2x2x16x8xf32>, %m: tensor<2x1x1x16xi1>, %len: tensor<2xi64>) -> (tensor<2x4x8x8xf32>, tensor<2x4x8x8xf32>, tensor<2x4x8x8xf32>) {
  %a = attic.attention %q, %k, %v mask(%m : tensor<2x1x1x16xi1>) {causal, kernel = #attic.kernel<elu_plus_one>} : tensor<2x4x8x16xf32>, tensor<2x2x16x16xf32>, tensor<2x2x16x8xf32> -> tensor<2x4x8x8xf32>
  %b = attic.attention %q, %k, %v kv_lengths(%len : tensor<2xi64>) {kernel = #attic.kernel<relu>} : tensor<2x4x8x16xf32>, tensor<2x2x16x16xf32>, tensor<2x2x16x8xf32> -> tensor<2x4x8x8xf32>
  %c = attic.attention %q, %k, %v {causal, kernel = #attic.kernel<squared_relu>} : tensor<2x4x8x16xf32>, tensor<2x2x16x16xf32>, tensor<2x2x16x8xf32> -> tensor<2x4x8x8xf32>
  return %a, %b, %c : tensor<2x4x8x8xf32>, tensor<2x4x8x8xf32>, tensor<2x4x8x8xf32>
}

// -----

// Softmax, windows, query-dependent masks, kv_lengths with causal and
// dynamic shapes keep attic.attention.
// CHECK-LABEL: func.func @left_alone
// CHECK-COUNT-5: attic.attention
// CHECK-NOT: linearized
func.func @left_alone(%q: tensor<2x4x8x16xf32>, %k: tensor<2x2x16x16xf32>, %v: tensor<2x2x16x8xf32>, %m: tensor<8x16xi1>, %len: tensor<2xi64>, %qd: tensor<2x4x?x16xf32>) -> (tensor<2x4x8x8xf32>, tensor<2x4x8x8xf32>, tensor<2x4x8x8xf32>, tensor<2x4x8x8xf32>, tensor<2x4x?x8xf32>) {
  %a = attic.attention %q, %k, %v {causal} : tensor<2x4x8x16xf32>, tensor<2x2x16x16xf32>, tensor<2x2x16x8xf32> -> tensor<2x4x8x8xf32>
  %b = attic.attention %q, %k, %v {causal, left_window = 4 : i64, kernel = #attic.kernel<relu>} : tensor<2x4x8x16xf32>, tensor<2x2x16x16xf32>, tensor<2x2x16x8xf32> -> tensor<2x4x8x8xf32>
  %c = attic.attention %q, %k, %v mask(%m : tensor<8x16xi1>) {kernel = #attic.kernel<relu>} : tensor<2x4x8x16xf32>, tensor<2x2x16x16xf32>, tensor<2x2x16x8xf32> -> tensor<2x4x8x8xf32>
  %d = attic.attention %q, %k, %v kv_lengths(%len : tensor<2xi64>) {causal, kernel = #attic.kernel<relu>} : tensor<2x4x8x16xf32>, tensor<2x2x16x16xf32>, tensor<2x2x16x8xf32> -> tensor<2x4x8x8xf32>
  %e = attic.attention %qd, %k, %v {kernel = #attic.kernel<relu>} : tensor<2x4x?x16xf32>, tensor<2x2x16x16xf32>, tensor<2x2x16x8xf32> -> tensor<2x4x?x8xf32>
  return %a, %b, %c, %d, %e : tensor<2x4x8x8xf32>, tensor<2x4x8x8xf32>, tensor<2x4x8x8xf32>, tensor<2x4x8x8xf32>, tensor<2x4x?x8xf32>
}

// -----

// Prefill (64 steps) is chunked, decoding (1 step) keeps the recurrence
// unless min-chunked-length allows it.
// CHECK-LABEL: func.func @recurrent_family
// CHECK: attic.chunked_linear_attention %{{.*}}, %{{.*}}, %{{.*}} past(%{{.*}} : tensor<1x2x16x8xf32>) decay(%{{.*}} : tensor<1x2x64xf32>) beta(%{{.*}} : tensor<1x2x64xf32>) {chunk_size = 64 : i64, scale = 2.500000e-01 : f64, update_rule = #attic.update_rule<gated_delta>}
// CHECK: attic.linear_attention
// OPT-LABEL: func.func @recurrent_family
// OPT: attic.chunked_linear_attention {{.*}}chunk_size = 32
// OPT: attic.chunked_linear_attention {{.*}}chunk_size = 32
func.func @recurrent_family(%q: tensor<1x4x64x16xf32>, %k: tensor<1x2x64x16xf32>, %v: tensor<1x2x64x8xf32>, %s: tensor<1x2x16x8xf32>, %g: tensor<1x2x64xf32>, %b: tensor<1x2x64xf32>, %q1: tensor<1x4x1x16xf32>, %k1: tensor<1x2x1x16xf32>, %v1: tensor<1x2x1x8xf32>) -> (tensor<1x4x64x8xf32>, tensor<1x2x16x8xf32>, tensor<1x4x1x8xf32>, tensor<1x2x16x8xf32>) {
  %o, %p = attic.linear_attention %q, %k, %v past(%s : tensor<1x2x16x8xf32>) decay(%g : tensor<1x2x64xf32>) beta(%b : tensor<1x2x64xf32>) {update_rule = #attic.update_rule<gated_delta>, scale = 0.25} : tensor<1x4x64x16xf32>, tensor<1x2x64x16xf32>, tensor<1x2x64x8xf32> -> tensor<1x4x64x8xf32>, tensor<1x2x16x8xf32>
  %o1, %p1 = attic.linear_attention %q1, %k1, %v1 past(%p : tensor<1x2x16x8xf32>) : tensor<1x4x1x16xf32>, tensor<1x2x1x16xf32>, tensor<1x2x1x8xf32> -> tensor<1x4x1x8xf32>, tensor<1x2x16x8xf32>
  return %o, %p, %o1, %p1 : tensor<1x4x64x8xf32>, tensor<1x2x16x8xf32>, tensor<1x4x1x8xf32>, tensor<1x2x16x8xf32>
}
