// Round trip of attic.flash_attention in custom and generic form.
// RUN: attic-opt %s | attic-opt | FileCheck %s
// RUN: attic-opt %s --mlir-print-op-generic | attic-opt | FileCheck %s

// CHECK-LABEL: func.func @flash
// CHECK: attic.flash_attention %{{.*}}, %{{.*}}, %{{.*}} mask(%{{.*}} : tensor<1x1x8x?xf32>) kv_lengths(%{{.*}} : tensor<2xi32>) {block_kv = 32 : i64, block_q = 16 : i64, causal} : tensor<2x4x8x16xf32>, tensor<2x2x?x16xf32>, tensor<2x2x?x8xf32> -> tensor<2x4x8x8xf32>
func.func @flash(%q: tensor<2x4x8x16xf32>, %k: tensor<2x2x?x16xf32>, %v: tensor<2x2x?x8xf32>, %m: tensor<1x1x8x?xf32>, %len: tensor<2xi32>) -> tensor<2x4x8x8xf32> {
  %o = attic.flash_attention %q, %k, %v mask(%m : tensor<1x1x8x?xf32>) kv_lengths(%len : tensor<2xi32>) {causal, block_q = 16, block_kv = 32} : tensor<2x4x8x16xf32>, tensor<2x2x?x16xf32>, tensor<2x2x?x8xf32> -> tensor<2x4x8x8xf32>
  return %o : tensor<2x4x8x8xf32>
}
