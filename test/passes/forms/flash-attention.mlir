// attic-flash-attention turns softmax and softplus attention into
// attic.flash_attention with every operand and attribute kept and the block
// sizes added; other kernels stay.
// RUN: attic-opt %s --attic-flash-attention | FileCheck %s --check-prefixes=CHECK,DEFAULT
// RUN: attic-opt %s --attic-flash-attention='block-q=16 block-kv=32' | FileCheck %s --check-prefixes=CHECK,BLOCKS
// RUN: not attic-opt %s --attic-flash-attention=block-q=0 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: attic-flash-attention: block sizes must be at least 1, got block-q=0 and block-kv=64

// CHECK-LABEL: func.func @everything
// CHECK-SAME: (%[[Q:[a-zA-Z0-9_]+]]: tensor<2x4x8x16xf32>, %[[K:[a-zA-Z0-9_]+]]: tensor<2x2x12x16xf32>, %[[V:[a-zA-Z0-9_]+]]: tensor<2x2x12x8xf32>, %[[M:[a-zA-Z0-9_]+]]: tensor<2x1x8x12xi1>, %[[L:[a-zA-Z0-9_]+]]: tensor<2xi64>)
// CHECK: attic.flash_attention %[[Q]], %[[K]], %[[V]] mask(%[[M]] : tensor<2x1x8x12xi1>) kv_lengths(%[[L]] : tensor<2xi64>)
// DEFAULT-SAME: block_kv = 64 : i64, block_q = 64 : i64
// BLOCKS-SAME: block_kv = 32 : i64, block_q = 16 : i64
// CHECK-SAME: causal, left_window = 3 : i64, right_window = 1 : i64, scale = 2.500000e-01 : f64, softcap = 3.000000e+00 : f64
func.func @everything(%q: tensor<2x4x8x16xf32>, %k: tensor<2x2x12x16xf32>, %v: tensor<2x2x12x8xf32>, %m: tensor<2x1x8x12xi1>, %len: tensor<2xi64>) -> tensor<2x4x8x8xf32> {
  %o = attic.attention %q, %k, %v mask(%m : tensor<2x1x8x12xi1>) kv_lengths(%len : tensor<2xi64>) {causal, left_window = 3 : i64, right_window = 1 : i64, scale = 0.25, softcap = 3.0} : tensor<2x4x8x16xf32>, tensor<2x2x12x16xf32>, tensor<2x2x12x8xf32> -> tensor<2x4x8x8xf32>
  return %o : tensor<2x4x8x8xf32>
}

// CHECK-LABEL: func.func @softplus
// CHECK: attic.flash_attention {{.*}}kernel = #attic.kernel<softplus>, reweight_power = 2.000000e+00 : f64, train_length = 512 : i64}
func.func @softplus(%q: tensor<1x1x8x16xf32>, %k: tensor<1x1x8x16xf32>, %v: tensor<1x1x8x16xf32>) -> tensor<1x1x8x16xf32> {
  %o = attic.attention %q, %k, %v {kernel = #attic.kernel<softplus>, train_length = 512 : i64, reweight_power = 2.0} : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32> -> tensor<1x1x8x16xf32>
  return %o : tensor<1x1x8x16xf32>
}

// CHECK-LABEL: func.func @feature_map_stays
// CHECK: attic.attention
// CHECK-NOT: attic.flash_attention
func.func @feature_map_stays(%q: tensor<1x1x8x16xf32>, %k: tensor<1x1x8x16xf32>, %v: tensor<1x1x8x16xf32>) -> tensor<1x1x8x16xf32> {
  %o = attic.attention %q, %k, %v {kernel = #attic.kernel<relu>} : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32> -> tensor<1x1x8x16xf32>
  return %o : tensor<1x1x8x16xf32>
}
