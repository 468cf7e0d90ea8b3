// attic.nll_loss against the naive float64 reference: log-probabilities
// that are no log-softmax, -inf where the label is ignored (exactly 0
// there), class weights, ignore_index (mean over the sum of applied
// weights), values of +-300, spatial dimensions; with every label ignored
// the mean is 0/0 = NaN, as in ONNX.
// RUN: rm -rf %t
// RUN: %naive nll_none %t/a && attic-run %s --function=nll_none --data-set=%t/a | FileCheck %s
// RUN: %naive nll_mean %t/b && attic-run %s --function=nll_mean --data-set=%t/b | FileCheck %s
// RUN: %naive nll_sum %t/c && attic-run %s --function=nll_sum --data-set=%t/c | FileCheck %s
// RUN: %naive nll_all_ignored %t/d && attic-run %s --function=nll_all_ignored --data-set=%t/d | FileCheck %s

// CHECK: result 0 vs {{.*}}output_0.npy: {{.*}}: ok

func.func @nll_none(%lp: tensor<6x5x3xf32>, %y: tensor<6x3xi64>, %w: tensor<5xf32>) -> tensor<6x3xf32> {
  %l = attic.nll_loss %lp, %y weights(%w : tensor<5xf32>) {reduction = #attic.reduction<none>, ignore_index = -100 : i64} : tensor<6x5x3xf32>, tensor<6x3xi64> -> tensor<6x3xf32>
  return %l : tensor<6x3xf32>
}

func.func @nll_mean(%lp: tensor<9x7xf32>, %y: tensor<9xi64>, %w: tensor<7xf32>) -> tensor<f32> {
  %l = attic.nll_loss %lp, %y weights(%w : tensor<7xf32>) {ignore_index = 3 : i64} : tensor<9x7xf32>, tensor<9xi64> -> tensor<f32>
  return %l : tensor<f32>
}

func.func @nll_sum(%lp: tensor<4x6x2x3xf32>, %y: tensor<4x2x3xi64>) -> tensor<f32> {
  %l = attic.nll_loss %lp, %y {reduction = #attic.reduction<sum>} : tensor<4x6x2x3xf32>, tensor<4x2x3xi64> -> tensor<f32>
  return %l : tensor<f32>
}

func.func @nll_all_ignored(%lp: tensor<3x4xf32>, %y: tensor<3xi64>) -> tensor<f32> {
  %l = attic.nll_loss %lp, %y {ignore_index = -1 : i64} : tensor<3x4xf32>, tensor<3xi64> -> tensor<f32>
  return %l : tensor<f32>
}
