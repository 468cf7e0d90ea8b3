// Verifier messages of attic.linear_cross_entropy_grad and
// attic.cut_cross_entropy_grad: their own, and those they share with
// attic.linear_cross_entropy.
// RUN: attic-opt %s --split-input-file --verify-diagnostics

func.func @grad_loss_rank(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>, %g: tensor<8xf32>) {
  // expected-error @+1 {{grad_loss must be a 0-D tensor with reduction 'mean', got 'tensor<8xf32>'}}
  %0:2 = attic.linear_cross_entropy_grad %h, %w, %y, %g : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64>, tensor<8xf32> -> tensor<8x4xf32>, tensor<10x4xf32>
  return
}

// -----

func.func @grad_loss_per_token(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>, %g: tensor<f32>) {
  // expected-error @+1 {{grad_loss shape [] does not match the label shape (reduction 'none') = [8]}}
  %0:2 = attic.linear_cross_entropy_grad %h, %w, %y, %g {reduction = #attic.reduction<none>} : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64>, tensor<f32> -> tensor<8x4xf32>, tensor<10x4xf32>
  return
}

// -----

func.func @grad_loss_type(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>, %g: tensor<f16>) {
  // expected-error @+1 {{grad_loss element type 'f16' does not match hidden element type 'f32'}}
  %0:2 = attic.linear_cross_entropy_grad %h, %w, %y, %g : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64>, tensor<f16> -> tensor<8x4xf32>, tensor<10x4xf32>
  return
}

// -----

func.func @lse_shape(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>, %g: tensor<f32>, %lse: tensor<7xf32>) {
  // expected-error @+1 {{lse shape [7] does not match [N] = [8]}}
  %0:2 = attic.linear_cross_entropy_grad %h, %w, %y, %g lse(%lse : tensor<7xf32>) : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64>, tensor<f32> -> tensor<8x4xf32>, tensor<10x4xf32>
  return
}

// -----

func.func @grad_hidden_type(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>, %g: tensor<f32>) {
  // expected-error @+1 {{grad_hidden must have the type of hidden, 'tensor<8x4xf32>', got 'tensor<8x5xf32>'}}
  %0:2 = attic.linear_cross_entropy_grad %h, %w, %y, %g : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64>, tensor<f32> -> tensor<8x5xf32>, tensor<10x4xf32>
  return
}

// -----

func.func @grad_classifier_type(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>, %g: tensor<f32>) {
  // expected-error @+1 {{grad_classifier must have the type of classifier, 'tensor<10x4xf32>', got 'tensor<10x4xf16>'}}
  %0:2 = attic.linear_cross_entropy_grad %h, %w, %y, %g : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64>, tensor<f32> -> tensor<8x4xf32>, tensor<10x4xf16>
  return
}

// -----

func.func @missing_grad_bias(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>, %b: tensor<10xf32>, %g: tensor<f32>) {
  // expected-error @+1 {{has a bias but no grad_bias result}}
  %0:2 = attic.linear_cross_entropy_grad %h, %w, %y, %g bias(%b : tensor<10xf32>) : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64>, tensor<f32> -> tensor<8x4xf32>, tensor<10x4xf32>
  return
}

// -----

func.func @extra_grad_bias(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>, %g: tensor<f32>) {
  // expected-error @+1 {{has a grad_bias result but no bias}}
  %0:3 = attic.linear_cross_entropy_grad %h, %w, %y, %g : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64>, tensor<f32> -> tensor<8x4xf32>, tensor<10x4xf32>, tensor<10xf32>
  return
}

// -----

func.func @grad_bias_type(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>, %b: tensor<10xf32>, %g: tensor<f32>) {
  // expected-error @+1 {{grad_bias must have the type of bias, 'tensor<10xf32>', got 'tensor<11xf32>'}}
  %0:3 = attic.linear_cross_entropy_grad %h, %w, %y, %g bias(%b : tensor<10xf32>) : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64>, tensor<f32> -> tensor<8x4xf32>, tensor<10x4xf32>, tensor<11xf32>
  return
}

// -----

func.func @shared_operand_checks(%h: tensor<8x4xf32>, %w: tensor<10x5xf32>, %y: tensor<8xi64>, %g: tensor<f32>) {
  // expected-error @+1 {{classifier hidden size 5 does not match hidden size 4}}
  %0:2 = attic.linear_cross_entropy_grad %h, %w, %y, %g : tensor<8x4xf32>, tensor<10x5xf32>, tensor<8xi64>, tensor<f32> -> tensor<8x4xf32>, tensor<10x5xf32>
  return
}

// -----

func.func @smoothing(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>, %g: tensor<f32>) {
  // expected-error @+1 {{label_smoothing must be in [0, 1], got 2}}
  %0:2 = attic.linear_cross_entropy_grad %h, %w, %y, %g {label_smoothing = 2.0} : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64>, tensor<f32> -> tensor<8x4xf32>, tensor<10x4xf32>
  return
}

// -----

func.func @cut_blocks(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>, %g: tensor<f32>) {
  // expected-error @+1 {{block sizes must be at least 1, got block_n = 0 and block_v = 8}}
  %0:2 = attic.cut_cross_entropy_grad %h, %w, %y, %g {block_n = 0, block_v = 8} : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64>, tensor<f32> -> tensor<8x4xf32>, tensor<10x4xf32>
  return
}

// -----

func.func @cut_filter(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>, %g: tensor<f32>) {
  // expected-error @+1 {{filter_eps must be in [0, 1), got -0.5}}
  %0:2 = attic.cut_cross_entropy_grad %h, %w, %y, %g {block_n = 8, block_v = 8, filter_eps = -0.5} : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64>, tensor<f32> -> tensor<8x4xf32>, tensor<10x4xf32>
  return
}

// -----

func.func @cut_shared(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>, %g: tensor<f32>) {
  // expected-error @+1 {{grad_hidden must have the type of hidden}}
  %0:2 = attic.cut_cross_entropy_grad %h, %w, %y, %g {block_n = 8, block_v = 8} : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64>, tensor<f32> -> tensor<8x4xf16>, tensor<10x4xf32>
  return
}

// -----

func.func @q_range(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>, %g: tensor<f32>) {
  // expected-error @+1 {{q must be in (0, 1], got 1.5}}
  %0:2 = attic.linear_cross_entropy_grad %h, %w, %y, %g {kind = #attic.loss_kind<generalized_cross_entropy>, q = 1.5} : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64>, tensor<f32> -> tensor<8x4xf32>, tensor<10x4xf32>
  return
}
