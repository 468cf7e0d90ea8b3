// Verifier messages of attic.topk_softmax.
// RUN: attic-opt %s --split-input-file --verify-diagnostics

func.func @axis(%x: tensor<16x8xf32>) {
  // expected-error @+1 {{axis -3 is out of range for input of rank 2 (expected [-2, 2))}}
  %v, %i = attic.topk_softmax %x, k = 2, axis = -3 : tensor<16x8xf32> -> tensor<16x2xf32>, tensor<16x2xi64>
  return
}

// -----

func.func @k_zero(%x: tensor<16x8xf32>) {
  // expected-error @+1 {{k must be at least 1, got 0}}
  %v, %i = attic.topk_softmax %x, k = 0, axis = 1 : tensor<16x8xf32> -> tensor<16x0xf32>, tensor<16x0xi64>
  return
}

// -----

func.func @k_large(%x: tensor<16x8xf32>) {
  // expected-error @+1 {{k = 9 exceeds the size 8 of axis 1}}
  %v, %i = attic.topk_softmax %x, k = 9, axis = 1 : tensor<16x8xf32> -> tensor<16x9xf32>, tensor<16x9xi64>
  return
}

// -----

func.func @values_type(%x: tensor<16x8xf32>) {
  // expected-error @+1 {{values element type 'f16' does not match input element type 'f32'}}
  %v, %i = attic.topk_softmax %x, k = 2, axis = 1 : tensor<16x8xf32> -> tensor<16x2xf16>, tensor<16x2xi64>
  return
}

// -----

func.func @values_shape(%x: tensor<16x8xf32>) {
  // expected-error @+1 {{values shape [16, 3] does not match the input shape with the axis of size k = [16, 2]}}
  %v, %i = attic.topk_softmax %x, k = 2, axis = 1 : tensor<16x8xf32> -> tensor<16x3xf32>, tensor<16x2xi64>
  return
}

// -----

func.func @indices_shape(%x: tensor<16x8xf32>) {
  // expected-error @+1 {{indices shape [2, 16] does not match the input shape with the axis of size k = [16, 2]}}
  %v, %i = attic.topk_softmax %x, k = 2, axis = 1 : tensor<16x8xf32> -> tensor<16x2xf32>, tensor<2x16xi64>
  return
}

// -----

func.func @indices_type(%x: tensor<16x8xf32>) {
  // expected-error @+1 {{result #1 must be ranked tensor of 64-bit signless integer values}}
  %v, %i = attic.topk_softmax %x, k = 2, axis = 1 : tensor<16x8xf32> -> tensor<16x2xf32>, tensor<16x2xi32>
  return
}
