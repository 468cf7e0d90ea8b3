// attic.cross_entropy against the naive float64 reference: every reduction,
// class weights, ignore_index (mean over the sum of applied weights, as ONNX
// SoftmaxCrossEntropyLoss defines it), label smoothing, z_loss, logits of
// +-1e4, spatial dimensions [N, C, d1, d2], and the lse result. With every
// label ignored, the mean is 0/0 = NaN, as in ONNX and PyTorch.
// RUN: rm -rf %t
// RUN: %naive ce_none %t/a && attic-run %s --function=ce_none --data-set=%t/a | FileCheck %s
// RUN: %naive ce_mean %t/b && attic-run %s --function=ce_mean --data-set=%t/b | FileCheck %s
// RUN: %naive ce_mean_plain %t/c && attic-run %s --function=ce_mean_plain --data-set=%t/c | FileCheck %s
// RUN: %naive ce_sum %t/d && attic-run %s --function=ce_sum --data-set=%t/d | FileCheck %s
// RUN: %naive ce_spatial %t/e && attic-run %s --function=ce_spatial --data-set=%t/e | FileCheck %s
// RUN: %naive ce_all_ignored %t/f && attic-run %s --function=ce_all_ignored --data-set=%t/f | FileCheck %s

// CHECK: result 0 vs {{.*}}output_0.npy: {{.*}}: ok
// CHECK: result 1 vs {{.*}}output_1.npy: {{.*}}: ok

func.func @ce_none(%x: tensor<6x11xf32>, %y: tensor<6xi64>, %w: tensor<11xf32>) -> (tensor<6xf32>, tensor<6xf32>) {
  %l, %lse = attic.cross_entropy %x, %y weights(%w : tensor<11xf32>) {reduction = #attic.reduction<none>, ignore_index = -100 : i64, label_smoothing = 0.1, z_loss = 1.0e-3} : tensor<6x11xf32>, tensor<6xi64> -> tensor<6xf32>, tensor<6xf32>
  return %l, %lse : tensor<6xf32>, tensor<6xf32>
}

func.func @ce_mean(%x: tensor<8x11xf32>, %y: tensor<8xi64>, %w: tensor<11xf32>) -> (tensor<f32>, tensor<8xf32>) {
  %l, %lse = attic.cross_entropy %x, %y weights(%w : tensor<11xf32>) {ignore_index = -100 : i64} : tensor<8x11xf32>, tensor<8xi64> -> tensor<f32>, tensor<8xf32>
  return %l, %lse : tensor<f32>, tensor<8xf32>
}

func.func @ce_mean_plain(%x: tensor<7x13xf32>, %y: tensor<7xi64>) -> (tensor<f32>, tensor<7xf32>) {
  %l, %lse = attic.cross_entropy %x, %y : tensor<7x13xf32>, tensor<7xi64> -> tensor<f32>, tensor<7xf32>
  return %l, %lse : tensor<f32>, tensor<7xf32>
}

func.func @ce_sum(%x: tensor<6x9xf32>, %y: tensor<6xi64>) -> (tensor<f32>, tensor<6xf32>) {
  %l, %lse = attic.cross_entropy %x, %y {reduction = #attic.reduction<sum>, label_smoothing = 0.2, z_loss = 1.0e-2} : tensor<6x9xf32>, tensor<6xi64> -> tensor<f32>, tensor<6xf32>
  return %l, %lse : tensor<f32>, tensor<6xf32>
}

func.func @ce_spatial(%x: tensor<3x5x2x4xf32>, %y: tensor<3x2x4xi64>, %w: tensor<5xf32>) -> (tensor<f32>, tensor<3x2x4xf32>) {
  %l, %lse = attic.cross_entropy %x, %y weights(%w : tensor<5xf32>) {ignore_index = 2 : i64, label_smoothing = 0.05} : tensor<3x5x2x4xf32>, tensor<3x2x4xi64> -> tensor<f32>, tensor<3x2x4xf32>
  return %l, %lse : tensor<f32>, tensor<3x2x4xf32>
}

func.func @ce_all_ignored(%x: tensor<3x4xf32>, %y: tensor<3xi64>) -> (tensor<f32>, tensor<3xf32>) {
  %l, %lse = attic.cross_entropy %x, %y {ignore_index = -1 : i64} : tensor<3x4xf32>, tensor<3xi64> -> tensor<f32>, tensor<3xf32>
  return %l, %lse : tensor<f32>, tensor<3xf32>
}
