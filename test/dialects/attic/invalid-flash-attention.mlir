// Verifier messages of attic.flash_attention: its own, and those it shares
// with attic.attention.
// RUN: attic-opt %s --split-input-file --verify-diagnostics

func.func @kernel(%q: tensor<1x1x8x16xf32>, %k: tensor<1x1x8x16xf32>, %v: tensor<1x1x8x16xf32>) {
  // expected-error @+1 {{takes the softmax and softplus kernels, not 'relu'}}
  %o = attic.flash_attention %q, %k, %v {kernel = #attic.kernel<relu>, block_q = 4, block_kv = 4} : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32> -> tensor<1x1x8x16xf32>
  return
}

// -----

func.func @blocks(%q: tensor<1x1x8x16xf32>, %k: tensor<1x1x8x16xf32>, %v: tensor<1x1x8x16xf32>) {
  // expected-error @+1 {{block sizes must be at least 1, got block_q = 0 and block_kv = 4}}
  %o = attic.flash_attention %q, %k, %v {block_q = 0, block_kv = 4} : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32> -> tensor<1x1x8x16xf32>
  return
}

// -----

func.func @heads(%q: tensor<1x3x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x16xf32>) {
  // expected-error @+1 {{query head count 3 must be a multiple of key/value head count 2}}
  %o = attic.flash_attention %q, %k, %v {block_q = 4, block_kv = 4} : tensor<1x3x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32> -> tensor<1x3x8x16xf32>
  return
}
