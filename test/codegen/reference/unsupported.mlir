// The reference lowering refuses what it cannot compute correctly instead of
// guessing, and says why: the default scale 1/sqrt(D) with a dynamic head
// size D, and dynamic head counts (grouped-query heads need Hq / Hkv).
// RUN: attic-opt %s --attic-lower-to-linalg --split-input-file --verify-diagnostics

func.func @dynamic_head_size(%q: tensor<1x2x4x?xf32>) -> tensor<1x2x4x?xf32> {
  // expected-error @+1 {{'attic.attention' op cannot be lowered: the default scale 1/sqrt(D) needs a static head size D; give a scale}}
  %o = attic.attention %q, %q, %q : tensor<1x2x4x?xf32>, tensor<1x2x4x?xf32>, tensor<1x2x4x?xf32> -> tensor<1x2x4x?xf32>
  return %o : tensor<1x2x4x?xf32>
}

// -----

// An explicit scale makes the dynamic head size fine.
func.func @dynamic_head_size_scaled(%q: tensor<1x2x4x?xf32>) -> tensor<1x2x4x?xf32> {
  %o = attic.attention %q, %q, %q {scale = 0.125 : f64} : tensor<1x2x4x?xf32>, tensor<1x2x4x?xf32>, tensor<1x2x4x?xf32> -> tensor<1x2x4x?xf32>
  return %o : tensor<1x2x4x?xf32>
}

// -----

func.func @dynamic_heads(%q: tensor<1x?x4x8xf32>) -> tensor<1x?x4x8xf32> {
  // expected-error @+1 {{'attic.attention' op cannot be lowered: the reference lowering needs static head counts}}
  %o = attic.attention %q, %q, %q : tensor<1x?x4x8xf32>, tensor<1x?x4x8xf32>, tensor<1x?x4x8xf32> -> tensor<1x?x4x8xf32>
  return %o : tensor<1x?x4x8xf32>
}

// -----

func.func @linear_dynamic_head_size(%q: tensor<1x2x4x?xf32>) -> (tensor<1x2x4x?xf32>, tensor<1x2x?x?xf32>) {
  // expected-error @+1 {{'attic.linear_attention' op cannot be lowered: the default scale 1/sqrt(Dk) needs a static head size Dk; give a scale}}
  %o, %s = attic.linear_attention %q, %q, %q : tensor<1x2x4x?xf32>, tensor<1x2x4x?xf32>, tensor<1x2x4x?xf32> -> tensor<1x2x4x?xf32>, tensor<1x2x?x?xf32>
  return %o, %s : tensor<1x2x4x?xf32>, tensor<1x2x?x?xf32>
}

// -----

func.func @linear_dynamic_heads(%q: tensor<1x?x4x8xf32>) -> (tensor<1x?x4x8xf32>, tensor<1x?x8x8xf32>) {
  // expected-error @+1 {{'attic.linear_attention' op cannot be lowered: the reference lowering needs static head counts}}
  %o, %s = attic.linear_attention %q, %q, %q : tensor<1x?x4x8xf32>, tensor<1x?x4x8xf32>, tensor<1x?x4x8xf32> -> tensor<1x?x4x8xf32>, tensor<1x?x8x8xf32>
  return %o, %s : tensor<1x?x4x8xf32>, tensor<1x?x8x8xf32>
}
