// Round trip of the linear attention forms in custom and generic form.
// RUN: attic-opt %s | attic-opt | FileCheck %s
// RUN: attic-opt %s --mlir-print-op-generic | attic-opt | FileCheck %s

// CHECK-LABEL: func.func @linearized
// CHECK: attic.linearized_attention %{{.*}}, %{{.*}}, %{{.*}} mask(%{{.*}} : tensor<2x1x1x16xi1>) {causal, chunk_size = 8 : i64, kernel = #attic.kernel<squared_relu>} : tensor<2x4x8x16xf32>, tensor<2x2x16x16xf32>, tensor<2x2x16x8xf32> -> tensor<2x4x8x8xf32>
// CHECK: attic.linearized_attention %{{.*}}, %{{.*}}, %{{.*}} kv_lengths(%{{.*}} : tensor<2xi64>) {chunk_size = 64 : i64, kernel = #attic.kernel<elu_plus_one>}
func.func @linearized(%q: tensor<2x4x8x16xf32>, %k: tensor<2x2x16x16xf32>, %v: tensor<2x2x16x8xf32>, %m: tensor<2x1x1x16xi1>, %len: tensor<2xi64>) -> (tensor<2x4x8x8xf32>, tensor<2x4x8x8xf32>) {
  %o = attic.linearized_attention %q, %k, %v mask(%m : tensor<2x1x1x16xi1>) {causal, chunk_size = 8, kernel = #attic.kernel<squared_relu>} : tensor<2x4x8x16xf32>, tensor<2x2x16x16xf32>, tensor<2x2x16x8xf32> -> tensor<2x4x8x8xf32>
  %p = attic.linearized_attention %q, %k, %v kv_lengths(%len : tensor<2xi64>) {chunk_size = 64, kernel = #attic.kernel<elu_plus_one>} : tensor<2x4x8x16xf32>, tensor<2x2x16x16xf32>, tensor<2x2x16x8xf32> -> tensor<2x4x8x8xf32>
  return %o, %p : tensor<2x4x8x8xf32>, tensor<2x4x8x8xf32>
}

// CHECK-LABEL: func.func @chunked
// CHECK: attic.chunked_linear_attention %{{.*}}, %{{.*}}, %{{.*}} past(%{{.*}} : tensor<1x2x16x8xf32>) decay(%{{.*}} : tensor<1x2x32xf32>) beta(%{{.*}} : tensor<1x1x32xf32>) {chunk_size = 16 : i64, scale = 5.000000e-01 : f64, update_rule = #attic.update_rule<gated_delta>} : tensor<1x4x32x16xf32>, tensor<1x2x32x16xf32>, tensor<1x2x32x8xf32> -> tensor<1x4x32x8xf32>, tensor<1x2x16x8xf32>
func.func @chunked(%q: tensor<1x4x32x16xf32>, %k: tensor<1x2x32x16xf32>, %v: tensor<1x2x32x8xf32>, %s: tensor<1x2x16x8xf32>, %g: tensor<1x2x32xf32>, %b: tensor<1x1x32xf32>) -> (tensor<1x4x32x8xf32>, tensor<1x2x16x8xf32>) {
  %o, %p = attic.chunked_linear_attention %q, %k, %v past(%s : tensor<1x2x16x8xf32>) decay(%g : tensor<1x2x32xf32>) beta(%b : tensor<1x1x32xf32>) {update_rule = #attic.update_rule<gated_delta>, scale = 0.5, chunk_size = 16} : tensor<1x4x32x16xf32>, tensor<1x2x32x16xf32>, tensor<1x2x32x8xf32> -> tensor<1x4x32x8xf32>, tensor<1x2x16x8xf32>
  return %o, %p : tensor<1x4x32x8xf32>, tensor<1x2x16x8xf32>
}

// CHECK-LABEL: func.func @nystrom
// CHECK: attic.nystrom_attention %{{.*}}, %{{.*}}, %{{.*}} {iterations = 20 : i64, kernel = #attic.kernel<gaussian>, landmarks = 16 : i64, scale = 5.000000e-01 : f64, symmetric} : tensor<2x4x64x16xf32>, tensor<2x2x32x16xf32>, tensor<2x2x32x8xf32> -> tensor<2x4x64x8xf32>
func.func @nystrom(%q: tensor<2x4x64x16xf32>, %k: tensor<2x2x32x16xf32>, %v: tensor<2x2x32x8xf32>) -> tensor<2x4x64x8xf32> {
  %o = attic.nystrom_attention %q, %k, %v {kernel = #attic.kernel<gaussian>, scale = 0.5, landmarks = 16, iterations = 20, symmetric} : tensor<2x4x64x16xf32>, tensor<2x2x32x16xf32>, tensor<2x2x32x8xf32> -> tensor<2x4x64x8xf32>
  return %o : tensor<2x4x64x8xf32>
}
