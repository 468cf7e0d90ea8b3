// Verifier messages of attic.nll_loss.
// RUN: attic-opt %s --split-input-file --verify-diagnostics

func.func @rank(%lp: tensor<10xf32>, %y: tensor<i64>) {
  // expected-error @+1 {{log_probs must be [N, C] or [N, C, d1, ...], got rank 1}}
  %l = attic.nll_loss %lp, %y : tensor<10xf32>, tensor<i64> -> tensor<f32>
  return
}

// -----

func.func @labels_shape(%lp: tensor<2x10x3xf32>, %y: tensor<2x4xi64>) {
  // expected-error @+1 {{labels shape [2, 4] does not match the log_probs shape without the class dimension = [2, 3]}}
  %l = attic.nll_loss %lp, %y : tensor<2x10x3xf32>, tensor<2x4xi64> -> tensor<f32>
  return
}

// -----

func.func @weights_shape(%lp: tensor<8x10xf32>, %y: tensor<8xi64>, %w: tensor<9xf32>) {
  // expected-error @+1 {{weights shape [9] does not match [C] = [10]}}
  %l = attic.nll_loss %lp, %y weights(%w : tensor<9xf32>) : tensor<8x10xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @weights_type(%lp: tensor<8x10xf32>, %y: tensor<8xi64>, %w: tensor<10xf16>) {
  // expected-error @+1 {{weights element type 'f16' does not match log_probs element type 'f32'}}
  %l = attic.nll_loss %lp, %y weights(%w : tensor<10xf16>) : tensor<8x10xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @reduced_shape(%lp: tensor<8x10xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{loss must be a 0-D tensor with reduction 'mean', got 'tensor<8xf32>'}}
  %l = attic.nll_loss %lp, %y : tensor<8x10xf32>, tensor<8xi64> -> tensor<8xf32>
  return
}

// -----

func.func @per_position_shape(%lp: tensor<8x10x3xf32>, %y: tensor<8x3xi64>) {
  // expected-error @+1 {{loss shape [8] does not match the label shape (reduction 'none') = [8, 3]}}
  %l = attic.nll_loss %lp, %y {reduction = #attic.reduction<none>} : tensor<8x10x3xf32>, tensor<8x3xi64> -> tensor<8xf32>
  return
}

// -----

func.func @loss_type(%lp: tensor<8x10xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{loss element type 'f16' does not match log_probs element type 'f32'}}
  %l = attic.nll_loss %lp, %y : tensor<8x10xf32>, tensor<8xi64> -> tensor<f16>
  return
}
