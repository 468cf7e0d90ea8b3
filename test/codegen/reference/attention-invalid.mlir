// The reference attention refuses what it cannot compute correctly instead
// of guessing: the default scale 1/sqrt(D) with a dynamic head size D.
// RUN: attic-opt %s --attic-lower-to-linalg --split-input-file --verify-diagnostics

func.func @dynamic_head_size(%q: tensor<1x2x4x?xf32>) -> tensor<1x2x4x?xf32> {
  // expected-error @+1 {{failed to legalize operation 'attic.attention'}}
  %o = attic.attention %q, %q, %q : tensor<1x2x4x?xf32>, tensor<1x2x4x?xf32>, tensor<1x2x4x?xf32> -> tensor<1x2x4x?xf32>
  return %o : tensor<1x2x4x?xf32>
}

// -----

// An explicit scale makes the dynamic head size fine.
func.func @dynamic_head_size_scaled(%q: tensor<1x2x4x?xf32>) -> tensor<1x2x4x?xf32> {
  %o = attic.attention %q, %q, %q {scale = 0.125 : f64} : tensor<1x2x4x?xf32>, tensor<1x2x4x?xf32>, tensor<1x2x4x?xf32> -> tensor<1x2x4x?xf32>
  return %o : tensor<1x2x4x?xf32>
}
