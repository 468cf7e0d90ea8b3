// Verifier messages of attic.cut_cross_entropy: its own, and those it
// shares with attic.linear_cross_entropy.
// RUN: attic-opt %s --split-input-file --verify-diagnostics

func.func @blocks(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{block sizes must be at least 1, got block_n = 8 and block_v = 0}}
  %l = attic.cut_cross_entropy %h, %w, %y {block_n = 8, block_v = 0} : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @hidden_size(%h: tensor<8x4xf32>, %w: tensor<10x5xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{classifier hidden size 5 does not match hidden size 4}}
  %l = attic.cut_cross_entropy %h, %w, %y {block_n = 8, block_v = 8} : tensor<8x4xf32>, tensor<10x5xf32>, tensor<8xi64> -> tensor<f32>
  return
}
