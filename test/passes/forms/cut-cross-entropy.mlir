// attic-cut-cross-entropy turns attic.linear_cross_entropy into
// attic.cut_cross_entropy with every operand and attribute (the loss kind
// and q included) kept and the block sizes added.
// RUN: attic-opt %s --attic-cut-cross-entropy | FileCheck %s --check-prefixes=CHECK,DEFAULT
// RUN: attic-opt %s --attic-cut-cross-entropy='block-n=16 block-v=64' | FileCheck %s --check-prefixes=CHECK,BLOCKS
// RUN: not attic-opt %s --attic-cut-cross-entropy=block-v=0 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: attic-cut-cross-entropy: block sizes must be at least 1, got block-n=128 and block-v=0

// CHECK-LABEL: func.func @everything
// CHECK-SAME: (%[[H:[a-zA-Z0-9_]+]]: tensor<8x4xf32>, %[[W:[a-zA-Z0-9_]+]]: tensor<10x4xf32>, %[[Y:[a-zA-Z0-9_]+]]: tensor<8xi64>, %[[B:[a-zA-Z0-9_]+]]: tensor<10xf32>, %[[CW:[a-zA-Z0-9_]+]]: tensor<10xf32>)
// CHECK: attic.cut_cross_entropy %[[H]], %[[W]], %[[Y]] bias(%[[B]] : tensor<10xf32>) weights(%[[CW]] : tensor<10xf32>)
// DEFAULT-SAME: block_n = 128 : i64, block_v = 512 : i64
// BLOCKS-SAME: block_n = 16 : i64, block_v = 64 : i64
// CHECK-SAME: ignore_index = -1 : i64, kind = #attic.loss_kind<generalized_cross_entropy>, label_smoothing = 1.000000e-01 : f64, q = 5.000000e-01 : f64, reduction = #attic.reduction<sum>, softcap = 3.000000e+01 : f64, z_loss = 1.000000e-03 : f64
// CHECK-SAME: -> tensor<f32>, tensor<8xf32>
// CHECK-NOT: attic.linear_cross_entropy
func.func @everything(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>, %b: tensor<10xf32>, %cw: tensor<10xf32>) -> (tensor<f32>, tensor<8xf32>) {
  %l, %lse = attic.linear_cross_entropy %h, %w, %y bias(%b : tensor<10xf32>) weights(%cw : tensor<10xf32>) {reduction = #attic.reduction<sum>, ignore_index = -1 : i64, label_smoothing = 0.1, z_loss = 0.001, softcap = 30.0, kind = #attic.loss_kind<generalized_cross_entropy>, q = 0.5} : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64> -> tensor<f32>, tensor<8xf32>
  return %l, %lse : tensor<f32>, tensor<8xf32>
}

// attic.linear_spherical_z_loss and its gradient become their cut forms,
// every operand and attribute kept and the block sizes added.
// CHECK-LABEL: func.func @spherical
// CHECK-SAME: (%[[H:[a-zA-Z0-9_]+]]: tensor<8x4xf32>, %[[W:[a-zA-Z0-9_]+]]: tensor<10x4xf32>, %[[Y:[a-zA-Z0-9_]+]]: tensor<8xi64>, %[[B:[a-zA-Z0-9_]+]]: tensor<10xf32>, %[[CW:[a-zA-Z0-9_]+]]: tensor<10xf32>, %[[G:[a-zA-Z0-9_]+]]: tensor<8xf32>)
// CHECK: attic.cut_spherical_z_loss %[[H]], %[[W]], %[[Y]] bias(%[[B]] : tensor<10xf32>) weights(%[[CW]] : tensor<10xf32>)
// CHECK-SAME: a = 5.000000e-01 : f64, b = 2.000000e+00 : f64
// DEFAULT-SAME: block_n = 128 : i64, block_v = 512 : i64
// BLOCKS-SAME: block_n = 16 : i64, block_v = 64 : i64
// CHECK-SAME: ignore_index = -1 : i64, reduction = #attic.reduction<sum>, softcap = 3.000000e+01 : f64}
// CHECK-SAME: -> tensor<f32>
// CHECK: attic.cut_spherical_z_loss_grad %[[H]], %[[W]], %[[Y]], %[[G]] bias(%[[B]] : tensor<10xf32>) weights(%[[CW]] : tensor<10xf32>)
// CHECK-SAME: a = 5.000000e-01 : f64, b = 2.000000e+00 : f64
// DEFAULT-SAME: block_n = 128 : i64, block_v = 512 : i64
// BLOCKS-SAME: block_n = 16 : i64, block_v = 64 : i64
// CHECK-SAME: ignore_index = -1 : i64, reduction = #attic.reduction<none>, softcap = 3.000000e+01 : f64}
// CHECK-SAME: -> tensor<8x4xf32>, tensor<10x4xf32>, tensor<10xf32>
// CHECK-NOT: attic.linear_spherical_z_loss
func.func @spherical(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>, %b: tensor<10xf32>, %cw: tensor<10xf32>, %g: tensor<8xf32>) -> (tensor<f32>, tensor<8x4xf32>, tensor<10x4xf32>, tensor<10xf32>) {
  %l = attic.linear_spherical_z_loss %h, %w, %y bias(%b : tensor<10xf32>) weights(%cw : tensor<10xf32>) {reduction = #attic.reduction<sum>, ignore_index = -1 : i64, softcap = 30.0, a = 0.5, b = 2.0} : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64> -> tensor<f32>
  %dh, %dc, %db = attic.linear_spherical_z_loss_grad %h, %w, %y, %g bias(%b : tensor<10xf32>) weights(%cw : tensor<10xf32>) {reduction = #attic.reduction<none>, ignore_index = -1 : i64, softcap = 30.0, a = 0.5, b = 2.0} : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64>, tensor<8xf32> -> tensor<8x4xf32>, tensor<10x4xf32>, tensor<10xf32>
  return %l, %dh, %dc, %db : tensor<f32>, tensor<8x4xf32>, tensor<10x4xf32>, tensor<10xf32>
}
