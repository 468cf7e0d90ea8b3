// Verifier messages of attic.spherical_z_loss and
// attic.linear_spherical_z_loss.
// RUN: attic-opt %s --split-input-file --verify-diagnostics

func.func @logits_rank(%x: tensor<10xf32>, %y: tensor<i64>) {
  // expected-error @+1 {{logits must be [N, C] or [N, C, d1, ...], got rank 1}}
  %l = attic.spherical_z_loss %x, %y {a = 1.0, b = 1.0} : tensor<10xf32>, tensor<i64> -> tensor<f32>
  return
}

// -----

func.func @labels_shape(%x: tensor<8x10xf32>, %y: tensor<7xi64>) {
  // expected-error @+1 {{labels shape [7] does not match the logits shape without the class dimension = [8]}}
  %l = attic.spherical_z_loss %x, %y {a = 1.0, b = 1.0} : tensor<8x10xf32>, tensor<7xi64> -> tensor<f32>
  return
}

// -----

func.func @weights_shape(%x: tensor<8x10xf32>, %y: tensor<8xi64>, %w: tensor<9xf32>) {
  // expected-error @+1 {{weights shape [9] does not match [C] = [10]}}
  %l = attic.spherical_z_loss %x, %y weights(%w : tensor<9xf32>) {a = 1.0, b = 1.0} : tensor<8x10xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @loss_none(%x: tensor<8x10xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{loss shape [] does not match the label shape (reduction 'none') = [8]}}
  %l = attic.spherical_z_loss %x, %y {a = 1.0, b = 1.0, reduction = #attic.reduction<none>} : tensor<8x10xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @a_zero(%x: tensor<8x10xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{a must be positive and finite, got 0}}
  %l = attic.spherical_z_loss %x, %y {a = 0.0, b = 1.0} : tensor<8x10xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @b_inf(%x: tensor<8x10xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{b must be finite, got +Inf}}
  %l = attic.spherical_z_loss %x, %y {a = 1.0, b = 0x7FF0000000000000 : f64} : tensor<8x10xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @missing_b(%x: tensor<8x10xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{requires attribute 'b'}}
  %l = attic.spherical_z_loss %x, %y {a = 1.0} : tensor<8x10xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @label_smoothing(%x: tensor<8x10xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{label_smoothing is not defined for the spherical Z-loss: it smooths a softmax distribution, and this loss forms none}}
  %l = attic.spherical_z_loss %x, %y {a = 1.0, b = 1.0, label_smoothing = 0.1} : tensor<8x10xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @z_loss(%h: tensor<8x4xf32>, %c: tensor<10x4xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{z_loss is not defined for the spherical Z-loss: it keeps the log-sum-exp near 0, and this loss does not change when the logits shift}}
  %l = attic.linear_spherical_z_loss %h, %c, %y {a = 1.0, b = 1.0, z_loss = 1.0e-4} : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @kind(%x: tensor<8x10xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{kind is an attribute of the cross-entropy ops; the spherical Z-loss has its own op}}
  %l = attic.spherical_z_loss %x, %y {a = 1.0, b = 1.0, kind = #attic.loss_kind<mean_absolute_error>} : tensor<8x10xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @linear_classifier(%h: tensor<8x4xf32>, %c: tensor<10x5xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{classifier hidden size 5 does not match hidden size 4}}
  %l = attic.linear_spherical_z_loss %h, %c, %y {a = 1.0, b = 1.0} : tensor<8x4xf32>, tensor<10x5xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @linear_softcap(%h: tensor<8x4xf32>, %c: tensor<10x4xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{softcap must be positive}}
  %l = attic.linear_spherical_z_loss %h, %c, %y {a = 1.0, b = 1.0, softcap = -1.0} : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @linear_loss_type(%h: tensor<8x4xf32>, %c: tensor<10x4xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{loss element type 'f16' does not match hidden element type 'f32'}}
  %l = attic.linear_spherical_z_loss %h, %c, %y {a = 1.0, b = 1.0} : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64> -> tensor<f16>
  return
}

// -----

func.func @grad_loss_shape(%h: tensor<8x4xf32>, %c: tensor<10x4xf32>, %y: tensor<8xi64>, %g: tensor<8xf32>) {
  // expected-error @+1 {{grad_loss must be a 0-D tensor with reduction 'mean', got 'tensor<8xf32>'}}
  %dh, %dc = attic.linear_spherical_z_loss_grad %h, %c, %y, %g {a = 1.0, b = 1.0} : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64>, tensor<8xf32> -> tensor<8x4xf32>, tensor<10x4xf32>
  return
}

// -----

func.func @grad_bias(%h: tensor<8x4xf32>, %c: tensor<10x4xf32>, %y: tensor<8xi64>, %g: tensor<f32>, %b: tensor<10xf32>) {
  // expected-error @+1 {{has a bias but no grad_bias result}}
  %dh, %dc = attic.linear_spherical_z_loss_grad %h, %c, %y, %g bias(%b : tensor<10xf32>) {a = 1.0, b = 1.0} : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64>, tensor<f32> -> tensor<8x4xf32>, tensor<10x4xf32>
  return
}

// -----

func.func @grad_label_smoothing(%h: tensor<8x4xf32>, %c: tensor<10x4xf32>, %y: tensor<8xi64>, %g: tensor<f32>) {
  // expected-error @+1 {{label_smoothing is not defined for the spherical Z-loss}}
  %dh, %dc = attic.linear_spherical_z_loss_grad %h, %c, %y, %g {a = 1.0, b = 1.0, label_smoothing = 0.1} : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64>, tensor<f32> -> tensor<8x4xf32>, tensor<10x4xf32>
  return
}
