// Verifier messages of the softmax form ops.
// RUN: attic-opt %s --split-input-file --verify-diagnostics

func.func @axis(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{axis 2 is out of range for input of rank 2 (expected [-2, 2))}}
  %0 = attic.online_softmax <softmax> %x, axis = 2 : tensor<4x8xf32> -> tensor<4x8xf32>
  return
}

// -----

func.func @keep_dim_softmax(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{keep_dim applies to logsumexp only, not to log_softmax}}
  %0 = attic.two_pass_softmax <log_softmax> %x, axis = 1 {keep_dim} : tensor<4x8xf32> -> tensor<4x8xf32>
  return
}

// -----

func.func @softmax_shape(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{result shape [4] does not match the input shape = [4, 8]}}
  %0 = attic.online_softmax <softmax> %x, axis = 1 : tensor<4x8xf32> -> tensor<4xf32>
  return
}

// -----

func.func @logsumexp_shape(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{result shape [4, 1] does not match the input shape without the axis = [4]}}
  %0 = attic.online_softmax <logsumexp> %x, axis = 1 : tensor<4x8xf32> -> tensor<4x1xf32>
  return
}

// -----

func.func @element_type(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{result element type 'f16' does not match input element type 'f32'}}
  %0 = attic.two_pass_softmax <softmax> %x, axis = 1 : tensor<4x8xf32> -> tensor<4x8xf16>
  return
}
