// Verifier messages of attic.linear_cross_entropy.
// RUN: attic-opt %s --split-input-file --verify-diagnostics

func.func @hidden_rank(%h: tensor<2x8x64xf32>, %c: tensor<100x64xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{hidden must be 2-D [N, D], got rank 3}}
  %l = attic.linear_cross_entropy %h, %c, %y : tensor<2x8x64xf32>, tensor<100x64xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @classifier_rank(%h: tensor<8x64xf32>, %c: tensor<6400xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{classifier must be 2-D [V, D], got rank 1}}
  %l = attic.linear_cross_entropy %h, %c, %y : tensor<8x64xf32>, tensor<6400xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @classifier_type(%h: tensor<8x64xf32>, %c: tensor<100x64xbf16>, %y: tensor<8xi64>) {
  // expected-error @+1 {{classifier element type 'bf16' does not match hidden element type 'f32'}}
  %l = attic.linear_cross_entropy %h, %c, %y : tensor<8x64xf32>, tensor<100x64xbf16>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @classifier_size(%h: tensor<8x64xf32>, %c: tensor<100x32xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{classifier hidden size 32 does not match hidden size 64}}
  %l = attic.linear_cross_entropy %h, %c, %y : tensor<8x64xf32>, tensor<100x32xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @labels(%h: tensor<8x64xf32>, %c: tensor<100x64xf32>, %y: tensor<4xi64>) {
  // expected-error @+1 {{labels shape [4] does not match [N] = [8]}}
  %l = attic.linear_cross_entropy %h, %c, %y : tensor<8x64xf32>, tensor<100x64xf32>, tensor<4xi64> -> tensor<f32>
  return
}

// -----

func.func @bias_shape(%h: tensor<8x64xf32>, %c: tensor<100x64xf32>, %y: tensor<8xi64>, %b: tensor<99xf32>) {
  // expected-error @+1 {{bias shape [99] does not match [V] = [100]}}
  %l = attic.linear_cross_entropy %h, %c, %y bias(%b : tensor<99xf32>) : tensor<8x64xf32>, tensor<100x64xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @bias_type(%h: tensor<8x64xf32>, %c: tensor<100x64xf32>, %y: tensor<8xi64>, %b: tensor<100xf64>) {
  // expected-error @+1 {{bias element type 'f64' does not match hidden element type 'f32'}}
  %l = attic.linear_cross_entropy %h, %c, %y bias(%b : tensor<100xf64>) : tensor<8x64xf32>, tensor<100x64xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @weights_shape(%h: tensor<8x64xf32>, %c: tensor<100x64xf32>, %y: tensor<8xi64>, %w: tensor<10xf32>) {
  // expected-error @+1 {{weights shape [10] does not match [V] = [100]}}
  %l = attic.linear_cross_entropy %h, %c, %y weights(%w : tensor<10xf32>) : tensor<8x64xf32>, tensor<100x64xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @softcap(%h: tensor<8x64xf32>, %c: tensor<100x64xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{softcap must be positive and finite, got -30 (omit it to disable capping)}}
  %l = attic.linear_cross_entropy %h, %c, %y {softcap = -30.0 : f64} : tensor<8x64xf32>, tensor<100x64xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @loss_none(%h: tensor<8x64xf32>, %c: tensor<100x64xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{loss shape [] does not match the label shape (reduction 'none') = [8]}}
  %l = attic.linear_cross_entropy %h, %c, %y {reduction = #attic.reduction<none>} : tensor<8x64xf32>, tensor<100x64xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @label_smoothing(%h: tensor<8x64xf32>, %c: tensor<100x64xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{label_smoothing must be in [0, 1], got -0.1}}
  %l = attic.linear_cross_entropy %h, %c, %y {label_smoothing = -0.1 : f64} : tensor<8x64xf32>, tensor<100x64xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @sum_exponential_smoothing(%h: tensor<8x64xf32>, %c: tensor<100x64xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{label_smoothing is not defined for the 'sum_exponential' loss kind}}
  %l = attic.linear_cross_entropy %h, %c, %y {kind = #attic.loss_kind<sum_exponential>, label_smoothing = 0.2} : tensor<8x64xf32>, tensor<100x64xf32>, tensor<8xi64> -> tensor<f32>
  return
}
