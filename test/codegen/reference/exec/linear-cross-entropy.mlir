// attic.linear_cross_entropy against the naive float64 reference (the
// logits hidden . classifier^T + bias, softcapped, then the loss): the mean
// with ignored labels, and the per-token loss with bias, softcap, weights,
// label smoothing and z_loss; both with the lse result.
// RUN: rm -rf %t
// RUN: %naive lce_mean %t/a && attic-run %s --function=lce_mean --data-set=%t/a | FileCheck %s
// RUN: %naive lce_bias_softcap %t/b && attic-run %s --function=lce_bias_softcap --data-set=%t/b | FileCheck %s

// CHECK: result 0 vs {{.*}}output_0.npy: {{.*}}: ok
// CHECK: result 1 vs {{.*}}output_1.npy: {{.*}}: ok

func.func @lce_mean(%h: tensor<6x8xf32>, %c: tensor<17x8xf32>, %y: tensor<6xi64>) -> (tensor<f32>, tensor<6xf32>) {
  %l, %lse = attic.linear_cross_entropy %h, %c, %y {ignore_index = -100 : i64} : tensor<6x8xf32>, tensor<17x8xf32>, tensor<6xi64> -> tensor<f32>, tensor<6xf32>
  return %l, %lse : tensor<f32>, tensor<6xf32>
}

func.func @lce_bias_softcap(%h: tensor<5x8xf32>, %c: tensor<16x8xf32>, %y: tensor<5xi64>, %b: tensor<16xf32>, %w: tensor<16xf32>) -> (tensor<5xf32>, tensor<5xf32>) {
  %l, %lse = attic.linear_cross_entropy %h, %c, %y bias(%b : tensor<16xf32>) weights(%w : tensor<16xf32>) {softcap = 3.0, reduction = #attic.reduction<none>, label_smoothing = 0.1, z_loss = 1.0e-3} : tensor<5x8xf32>, tensor<16x8xf32>, tensor<5xi64> -> tensor<5xf32>, tensor<5xf32>
  return %l, %lse : tensor<5xf32>, tensor<5xf32>
}
