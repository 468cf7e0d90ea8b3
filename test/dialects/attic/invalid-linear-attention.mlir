// Verifier messages of attic.linear_attention.
// RUN: attic-opt %s --split-input-file --verify-diagnostics

func.func @query_rank(%q: tensor<4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x32xf32>) {
  // expected-error @+1 {{query must be 4-D [B, Hq, T, Dk], got rank 3}}
  %o, %s = attic.linear_attention %q, %k, %v : tensor<4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @key_rank(%q: tensor<1x4x8x16xf32>, %k: tensor<2x8x16xf32>, %v: tensor<1x2x8x32xf32>) {
  // expected-error @+1 {{key must be 4-D [B, Hkv, T, Dk], got rank 3}}
  %o, %s = attic.linear_attention %q, %k, %v : tensor<1x4x8x16xf32>, tensor<2x8x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @value_rank(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<2x8x32xf32>) {
  // expected-error @+1 {{value must be 4-D [B, Hkv, T, Dv], got rank 3}}
  %o, %s = attic.linear_attention %q, %k, %v : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @key_type(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf16>, %v: tensor<1x2x8x32xf32>) {
  // expected-error @+1 {{key element type 'f16' does not match query element type 'f32'}}
  %o, %s = attic.linear_attention %q, %k, %v : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf16>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @value_type(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x32xf16>) {
  // expected-error @+1 {{value element type 'f16' does not match query element type 'f32'}}
  %o, %s = attic.linear_attention %q, %k, %v : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x32xf16> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @output_type(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x32xf32>) {
  // expected-error @+1 {{output element type 'f16' does not match query element type 'f32'}}
  %o, %s = attic.linear_attention %q, %k, %v : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf16>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @state_type(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x32xf32>) {
  // expected-error @+1 {{present_state element type 'f16' does not match query element type 'f32'}}
  %o, %s = attic.linear_attention %q, %k, %v : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf16>
  return
}

// -----

func.func @key_batch(%q: tensor<1x4x8x16xf32>, %k: tensor<2x2x8x16xf32>, %v: tensor<1x2x8x32xf32>) {
  // expected-error @+1 {{key batch size 2 does not match query batch size 1}}
  %o, %s = attic.linear_attention %q, %k, %v : tensor<1x4x8x16xf32>, tensor<2x2x8x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @value_batch(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<2x2x8x32xf32>) {
  // expected-error @+1 {{value batch size 2 does not match query batch size 1}}
  %o, %s = attic.linear_attention %q, %k, %v : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<2x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @key_length(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x9x16xf32>, %v: tensor<1x2x8x32xf32>) {
  // expected-error @+1 {{key length 9 does not match query length 8}}
  %o, %s = attic.linear_attention %q, %k, %v : tensor<1x4x8x16xf32>, tensor<1x2x9x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @value_length(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x7x32xf32>) {
  // expected-error @+1 {{value length 7 does not match query length 8}}
  %o, %s = attic.linear_attention %q, %k, %v : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x7x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @key_head_size(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x8xf32>, %v: tensor<1x2x8x32xf32>) {
  // expected-error @+1 {{key head size 8 does not match query head size 16}}
  %o, %s = attic.linear_attention %q, %k, %v : tensor<1x4x8x16xf32>, tensor<1x2x8x8xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @value_heads(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x4x8x32xf32>) {
  // expected-error @+1 {{value head count 4 does not match key head count 2}}
  %o, %s = attic.linear_attention %q, %k, %v : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x4x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @gqa(%q: tensor<1x4x8x16xf32>, %k: tensor<1x3x8x16xf32>, %v: tensor<1x3x8x32xf32>) {
  // expected-error @+1 {{query head count 4 must be a multiple of key/value head count 3}}
  %o, %s = attic.linear_attention %q, %k, %v : tensor<1x4x8x16xf32>, tensor<1x3x8x16xf32>, tensor<1x3x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x3x16x32xf32>
  return
}

// -----

func.func @output_shape(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x32xf32>) {
  // expected-error @+1 {{output shape [1, 4, 8, 16] does not match [B, Hq, T, Dv] = [1, 4, 8, 32]}}
  %o, %s = attic.linear_attention %q, %k, %v : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x16xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @state_shape(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x32xf32>) {
  // expected-error @+1 {{present_state shape [1, 2, 32, 16] does not match [B, Hkv, Dk, Dv] = [1, 2, 16, 32]}}
  %o, %s = attic.linear_attention %q, %k, %v : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x32x16xf32>
  return
}

// -----

func.func @past_type(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x32xf32>, %p: tensor<1x2x16x32xf16>) {
  // expected-error @+1 {{past_state element type 'f16' does not match query element type 'f32'}}
  %o, %s = attic.linear_attention %q, %k, %v past(%p : tensor<1x2x16x32xf16>) : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @past_shape(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x32xf32>, %p: tensor<1x2x16x16xf32>) {
  // expected-error @+1 {{past_state shape [1, 2, 16, 16] does not match [B, Hkv, Dk, Dv] = [1, 2, 16, 32]}}
  %o, %s = attic.linear_attention %q, %k, %v past(%p : tensor<1x2x16x16xf32>) : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @decay_type(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x32xf32>, %g: tensor<1x2x8xf16>) {
  // expected-error @+1 {{decay element type 'f16' does not match query element type 'f32'}}
  %o, %s = attic.linear_attention %q, %k, %v decay(%g : tensor<1x2x8xf16>) {update_rule = #attic.update_rule<gated>} : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @decay_head_shape(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x32xf32>, %g: tensor<1x4x8xf32>) {
  // expected-error @+1 {{per-head decay shape [1, 4, 8] does not match [B, Hkv, T] = [1, 2, 8]}}
  %o, %s = attic.linear_attention %q, %k, %v decay(%g : tensor<1x4x8xf32>) {update_rule = #attic.update_rule<gated>} : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @decay_key_shape(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x32xf32>, %g: tensor<1x2x8x32xf32>) {
  // expected-error @+1 {{per-key decay shape [1, 2, 8, 32] does not match [B, Hkv, T, Dk] = [1, 2, 8, 16]}}
  %o, %s = attic.linear_attention %q, %k, %v decay(%g : tensor<1x2x8x32xf32>) {update_rule = #attic.update_rule<gated>} : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @decay_rank(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x32xf32>, %g: tensor<1x8xf32>) {
  // expected-error @+1 {{decay must be [B, Hkv, T] (per head) or [B, Hkv, T, Dk] (per key dimension), got rank 2}}
  %o, %s = attic.linear_attention %q, %k, %v decay(%g : tensor<1x8xf32>) {update_rule = #attic.update_rule<gated>} : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @beta_type(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x32xf32>, %b: tensor<1x2x8xf16>) {
  // expected-error @+1 {{beta element type 'f16' does not match query element type 'f32'}}
  %o, %s = attic.linear_attention %q, %k, %v beta(%b : tensor<1x2x8xf16>) {update_rule = #attic.update_rule<delta>} : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @beta_rank(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x32xf32>, %b: tensor<1x8xf32>) {
  // expected-error @+1 {{beta must be 3-D [B, Hkv, T] or [B, 1, T], got rank 2}}
  %o, %s = attic.linear_attention %q, %k, %v beta(%b : tensor<1x8xf32>) {update_rule = #attic.update_rule<delta>} : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @beta_batch(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x32xf32>, %b: tensor<3x2x8xf32>) {
  // expected-error @+1 {{beta batch size 3 does not match query batch size 1}}
  %o, %s = attic.linear_attention %q, %k, %v beta(%b : tensor<3x2x8xf32>) {update_rule = #attic.update_rule<delta>} : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @beta_length(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x32xf32>, %b: tensor<1x2x4xf32>) {
  // expected-error @+1 {{beta length 4 does not match query length 8}}
  %o, %s = attic.linear_attention %q, %k, %v beta(%b : tensor<1x2x4xf32>) {update_rule = #attic.update_rule<delta>} : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @beta_heads(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x32xf32>, %b: tensor<1x3x8xf32>) {
  // expected-error @+1 {{beta head count 3 does not match key/value head count 2}}
  %o, %s = attic.linear_attention %q, %k, %v beta(%b : tensor<1x3x8xf32>) {update_rule = #attic.update_rule<delta>} : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @gated_needs_decay(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x32xf32>) {
  // expected-error @+1 {{the 'gated' update rule needs a decay}}
  %o, %s = attic.linear_attention %q, %k, %v {update_rule = #attic.update_rule<gated>} : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @linear_no_decay(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x32xf32>, %g: tensor<1x2x8xf32>) {
  // expected-error @+1 {{decay is given but the 'linear' update rule does not use it}}
  %o, %s = attic.linear_attention %q, %k, %v decay(%g : tensor<1x2x8xf32>) : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @delta_needs_beta(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x32xf32>, %g: tensor<1x2x8xf32>) {
  // expected-error @+1 {{the 'gated_delta' update rule needs a beta}}
  %o, %s = attic.linear_attention %q, %k, %v decay(%g : tensor<1x2x8xf32>) {update_rule = #attic.update_rule<gated_delta>} : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @gated_no_beta(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x32xf32>, %g: tensor<1x2x8xf32>, %b: tensor<1x2x8xf32>) {
  // expected-error @+1 {{beta is given but the 'gated' update rule does not use it}}
  %o, %s = attic.linear_attention %q, %k, %v decay(%g : tensor<1x2x8xf32>) beta(%b : tensor<1x2x8xf32>) {update_rule = #attic.update_rule<gated>} : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}

// -----

func.func @scale(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x32xf32>) {
  // expected-error @+1 {{scale must be positive and finite, got 0}}
  %o, %s = attic.linear_attention %q, %k, %v {scale = 0.0 : f64} : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x32xf32> -> tensor<1x4x8x32xf32>, tensor<1x2x16x32xf32>
  return
}
