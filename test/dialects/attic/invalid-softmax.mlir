// Verifier messages of softmax, log_softmax and logsumexp.
// RUN: attic-opt %s --split-input-file --verify-diagnostics

func.func @rank0(%x: tensor<f32>) {
  // expected-error @+1 {{input must have rank >= 1 to have an axis}}
  %0 = attic.softmax %x, axis = 0 : tensor<f32>
  return
}

// -----

func.func @axis_too_large(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{axis 2 is out of range for input of rank 2 (expected [-2, 2))}}
  %0 = attic.softmax %x, axis = 2 : tensor<4x8xf32>
  return
}

// -----

func.func @axis_too_negative(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{axis -3 is out of range for input of rank 2 (expected [-2, 2))}}
  %0 = attic.log_softmax %x, axis = -3 : tensor<4x8xf32>
  return
}

// -----

func.func @integer_input(%x: tensor<4x8xi32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = attic.softmax %x, axis = 1 : tensor<4x8xi32>
  return
}

// -----

func.func @lse_element_type(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{result element type 'f16' does not match input element type 'f32'}}
  %0 = attic.logsumexp %x, axis = 1 : tensor<4x8xf32> -> tensor<4xf16>
  return
}

// -----

func.func @lse_shape(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{result shape [8] does not match the input shape without the axis = [4]}}
  %0 = attic.logsumexp %x, axis = 1 : tensor<4x8xf32> -> tensor<8xf32>
  return
}

// -----

func.func @lse_keep_dim_shape(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{result shape [4] does not match the input shape with the axis set to 1 = [4, 1]}}
  %0 = attic.logsumexp %x, axis = 1 {keep_dim} : tensor<4x8xf32> -> tensor<4xf32>
  return
}

// -----

func.func @lse_axis(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{axis 5 is out of range for input of rank 2}}
  %0 = attic.logsumexp %x, axis = 5 : tensor<4x8xf32> -> tensor<4xf32>
  return
}
