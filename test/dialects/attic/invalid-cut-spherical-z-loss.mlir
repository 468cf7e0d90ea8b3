// Verifier messages of attic.cut_spherical_z_loss and its gradient: their
// own, and those they share with attic.linear_spherical_z_loss and its
// gradient.
// RUN: attic-opt %s --split-input-file --verify-diagnostics

func.func @blocks(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{block sizes must be at least 1, got block_n = 0 and block_v = 8}}
  %l = attic.cut_spherical_z_loss %h, %w, %y {a = 1.0, b = 2.0, block_n = 0, block_v = 8} : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @a(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{a must be positive and finite, got 0}}
  %l = attic.cut_spherical_z_loss %h, %w, %y {a = 0.0, b = 2.0, block_n = 8, block_v = 8} : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @hidden_size(%h: tensor<8x4xf32>, %w: tensor<10x5xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{classifier hidden size 5 does not match hidden size 4}}
  %l = attic.cut_spherical_z_loss %h, %w, %y {a = 1.0, b = 2.0, block_n = 8, block_v = 8} : tensor<8x4xf32>, tensor<10x5xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @z_loss(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{z_loss is not defined for the spherical Z-loss}}
  %l = attic.cut_spherical_z_loss %h, %w, %y {a = 1.0, b = 2.0, z_loss = 0.001, block_n = 8, block_v = 8} : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @grad_blocks(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>, %g: tensor<f32>) {
  // expected-error @+1 {{block sizes must be at least 1, got block_n = 8 and block_v = -1}}
  %dh, %dc = attic.cut_spherical_z_loss_grad %h, %w, %y, %g {a = 1.0, b = 2.0, block_n = 8, block_v = -1} : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64>, tensor<f32> -> tensor<8x4xf32>, tensor<10x4xf32>
  return
}

// -----

func.func @grad_b(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>, %g: tensor<f32>) {
  // expected-error @+1 {{b must be finite, got +Inf}}
  %dh, %dc = attic.cut_spherical_z_loss_grad %h, %w, %y, %g {a = 1.0, b = 0x7FF0000000000000 : f64, block_n = 8, block_v = 8} : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64>, tensor<f32> -> tensor<8x4xf32>, tensor<10x4xf32>
  return
}

// -----

func.func @grad_results(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>, %b: tensor<10xf32>, %g: tensor<f32>) {
  // expected-error @+1 {{has a bias but no grad_bias result}}
  %dh, %dc = attic.cut_spherical_z_loss_grad %h, %w, %y, %g bias(%b : tensor<10xf32>) {a = 1.0, b = 2.0, block_n = 8, block_v = 8} : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64>, tensor<f32> -> tensor<8x4xf32>, tensor<10x4xf32>
  return
}
