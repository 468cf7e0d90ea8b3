// Verifier messages of attic.attention.
// RUN: attic-opt %s --split-input-file --verify-diagnostics

func.func @query_rank(%q: tensor<8x16x64xf32>, %k: tensor<1x8x16x64xf32>) {
  // expected-error @+1 {{query must be 4-D [B, Hq, Sq, D], got rank 3}}
  %o = attic.attention %q, %k, %k : tensor<8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @key_rank(%q: tensor<1x8x16x64xf32>, %k: tensor<8x16x64xf32>) {
  // expected-error @+1 {{key must be 4-D [B, Hkv, Skv, D], got rank 3}}
  %o = attic.attention %q, %k, %q : tensor<1x8x16x64xf32>, tensor<8x16x64xf32>, tensor<1x8x16x64xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @value_rank(%q: tensor<1x8x16x64xf32>, %v: tensor<8x16x64xf32>) {
  // expected-error @+1 {{value must be 4-D [B, Hkv, Skv, Dv], got rank 3}}
  %o = attic.attention %q, %q, %v : tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<8x16x64xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @key_type(%q: tensor<1x8x16x64xf32>, %k: tensor<1x8x16x64xf16>) {
  // expected-error @+1 {{key element type 'f16' does not match query element type 'f32'}}
  %o = attic.attention %q, %k, %q : tensor<1x8x16x64xf32>, tensor<1x8x16x64xf16>, tensor<1x8x16x64xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @value_type(%q: tensor<1x8x16x64xf32>, %v: tensor<1x8x16x64xbf16>) {
  // expected-error @+1 {{value element type 'bf16' does not match query element type 'f32'}}
  %o = attic.attention %q, %q, %v : tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xbf16> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @result_type(%q: tensor<1x8x16x64xf32>) {
  // expected-error @+1 {{result element type 'f16' does not match query element type 'f32'}}
  %o = attic.attention %q, %q, %q : tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32> -> tensor<1x8x16x64xf16>
  return
}

// -----

func.func @key_batch(%q: tensor<2x8x16x64xf32>, %k: tensor<3x8x16x64xf32>) {
  // expected-error @+1 {{key batch size 3 does not match query batch size 2}}
  %o = attic.attention %q, %k, %q : tensor<2x8x16x64xf32>, tensor<3x8x16x64xf32>, tensor<2x8x16x64xf32> -> tensor<2x8x16x64xf32>
  return
}

// -----

func.func @value_batch(%q: tensor<2x8x16x64xf32>, %v: tensor<3x8x16x64xf32>) {
  // expected-error @+1 {{value batch size 3 does not match query batch size 2}}
  %o = attic.attention %q, %q, %v : tensor<2x8x16x64xf32>, tensor<2x8x16x64xf32>, tensor<3x8x16x64xf32> -> tensor<2x8x16x64xf32>
  return
}

// -----

func.func @head_size(%q: tensor<1x8x16x64xf32>, %k: tensor<1x8x16x32xf32>) {
  // expected-error @+1 {{key head size 32 does not match query head size 64}}
  %o = attic.attention %q, %k, %q : tensor<1x8x16x64xf32>, tensor<1x8x16x32xf32>, tensor<1x8x16x64xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @value_heads(%q: tensor<1x8x16x64xf32>, %k: tensor<1x4x16x64xf32>, %v: tensor<1x2x16x64xf32>) {
  // expected-error @+1 {{value head count 2 does not match key head count 4}}
  %o = attic.attention %q, %k, %v : tensor<1x8x16x64xf32>, tensor<1x4x16x64xf32>, tensor<1x2x16x64xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @value_length(%q: tensor<1x8x16x64xf32>, %k: tensor<1x8x32x64xf32>, %v: tensor<1x8x31x64xf32>) {
  // expected-error @+1 {{value sequence length 31 does not match key sequence length 32}}
  %o = attic.attention %q, %k, %v : tensor<1x8x16x64xf32>, tensor<1x8x32x64xf32>, tensor<1x8x31x64xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @gqa(%q: tensor<1x6x16x64xf32>, %k: tensor<1x4x16x64xf32>) {
  // expected-error @+1 {{query head count 6 must be a multiple of key/value head count 4}}
  %o = attic.attention %q, %k, %k : tensor<1x6x16x64xf32>, tensor<1x4x16x64xf32>, tensor<1x4x16x64xf32> -> tensor<1x6x16x64xf32>
  return
}

// -----

func.func @result_shape(%q: tensor<1x8x16x64xf32>, %v: tensor<1x8x16x32xf32>) {
  // expected-error @+1 {{result shape [1, 8, 16, 64] does not match [B, Hq, Sq, Dv] = [1, 8, 16, 32]}}
  %o = attic.attention %q, %q, %v : tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x32xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @mask_rank(%q: tensor<1x8x16x64xf32>, %m: tensor<1x1x1x16x16xi1>) {
  // expected-error @+1 {{mask must have rank 1 to 4 to broadcast to [B, Hq, Sq, Skv], got rank 5}}
  %o = attic.attention %q, %q, %q mask(%m : tensor<1x1x1x16x16xi1>) : tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @mask_broadcast(%q: tensor<1x8x16x64xf32>, %m: tensor<15x16xi1>) {
  // expected-error @+1 {{mask dimension 0 (size 15) does not broadcast to Sq = 16}}
  %o = attic.attention %q, %q, %q mask(%m : tensor<15x16xi1>) : tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @mask_type(%q: tensor<1x8x16x64xf32>, %m: tensor<16x16xf16>) {
  // expected-error @+1 {{float mask element type 'f16' does not match query element type 'f32'}}
  %o = attic.attention %q, %q, %q mask(%m : tensor<16x16xf16>) : tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @mask_int(%q: tensor<1x8x16x64xf32>, %m: tensor<16x16xi8>) {
  // expected-error @+1 {{operand #3 must be ranked tensor of 1-bit signless integer or floating-point values}}
  %o = attic.attention %q, %q, %q mask(%m : tensor<16x16xi8>) : tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @float_mask_feature_map(%q: tensor<1x8x16x64xf32>, %m: tensor<16x16xf32>) {
  // expected-error @+1 {{a float mask needs a kernel with scores (softmax, softplus or gaussian), not 'relu'; use an i1 mask}}
  %o = attic.attention %q, %q, %q mask(%m : tensor<16x16xf32>) {kernel = #attic.kernel<relu>} : tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @kv_lengths_rank(%q: tensor<2x8x16x64xf32>, %l: tensor<2x1xi64>) {
  // expected-error @+1 {{kv_lengths must be 1-D [B], got rank 2}}
  %o = attic.attention %q, %q, %q kv_lengths(%l : tensor<2x1xi64>) : tensor<2x8x16x64xf32>, tensor<2x8x16x64xf32>, tensor<2x8x16x64xf32> -> tensor<2x8x16x64xf32>
  return
}

// -----

func.func @kv_lengths_size(%q: tensor<2x8x16x64xf32>, %l: tensor<3xi64>) {
  // expected-error @+1 {{kv_lengths size 3 does not match query batch size 2}}
  %o = attic.attention %q, %q, %q kv_lengths(%l : tensor<3xi64>) : tensor<2x8x16x64xf32>, tensor<2x8x16x64xf32>, tensor<2x8x16x64xf32> -> tensor<2x8x16x64xf32>
  return
}

// -----

func.func @scale(%q: tensor<1x8x16x64xf32>) {
  // expected-error @+1 {{scale must be positive and finite, got -1}}
  %o = attic.attention %q, %q, %q {scale = -1.0 : f64} : tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @softcap(%q: tensor<1x8x16x64xf32>) {
  // expected-error @+1 {{softcap must be positive and finite, got 0 (omit it to disable capping)}}
  %o = attic.attention %q, %q, %q {softcap = 0.0 : f64} : tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @left_window(%q: tensor<1x8x16x64xf32>) {
  // expected-error @+1 {{left_window must be non-negative, got -1 (omit it for an unbounded window)}}
  %o = attic.attention %q, %q, %q {left_window = -1 : i64} : tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @right_window(%q: tensor<1x8x16x64xf32>) {
  // expected-error @+1 {{right_window must be non-negative, got -4 (omit it for an unbounded window)}}
  %o = attic.attention %q, %q, %q {right_window = -4 : i64} : tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @scale_feature_map(%q: tensor<1x8x16x64xf32>) {
  // expected-error @+1 {{scale has no effect with the 'elu_plus_one' kernel, whose weights are normalized per row}}
  %o = attic.attention %q, %q, %q {kernel = #attic.kernel<elu_plus_one>, scale = 0.5 : f64} : tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @softcap_gaussian(%q: tensor<1x8x16x64xf32>) {
  // expected-error @+1 {{softcap applies to softmax and softplus scores, not to the 'gaussian' kernel}}
  %o = attic.attention %q, %q, %q {kernel = #attic.kernel<gaussian>, softcap = 30.0 : f64} : tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @train_length_one(%q: tensor<1x8x16x64xf32>) {
  // expected-error @+1 {{train_length must be at least 2 (the length scale divides by its logarithm), got 1}}
  %o = attic.attention %q, %q, %q {kernel = #attic.kernel<softplus>, train_length = 1 : i64} : tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @train_length_feature_map(%q: tensor<1x8x16x64xf32>) {
  // expected-error @+1 {{train_length scales softmax and softplus scores, not those of the 'relu' kernel}}
  %o = attic.attention %q, %q, %q {kernel = #attic.kernel<relu>, train_length = 512 : i64} : tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @reweight_negative(%q: tensor<1x8x16x64xf32>) {
  // expected-error @+1 {{reweight_power must be positive and finite, got -2}}
  %o = attic.attention %q, %q, %q {kernel = #attic.kernel<softplus>, reweight_power = -2.0} : tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @reweight_softmax(%q: tensor<1x8x16x64xf32>) {
  // expected-error @+1 {{reweight_power re-weights the softplus kernel, not 'softmax' (for softmax it is a factor on the scale)}}
  %o = attic.attention %q, %q, %q {reweight_power = 2.0} : tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @unknown_kernel(%q: tensor<1x8x16x64xf32>) {
  // expected-error @+2 {{expected ::mlir::attic::AttentionKernel to be one of: softmax, softplus, elu_plus_one, relu, gaussian}}
  // expected-error @+1 {{failed to parse Attic_AttentionKernelAttr parameter 'value'}}
  %o = attic.attention %q, %q, %q {kernel = #attic.kernel<cosine>} : tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32> -> tensor<1x8x16x64xf32>
  return
}
