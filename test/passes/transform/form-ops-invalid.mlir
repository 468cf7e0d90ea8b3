// Misuse of Attic's transform ops: a handle to an op the form does not
// apply to is an error naming both; bad attributes fail verification.
// RUN: attic-opt %s --transform-interpreter --split-input-file --verify-diagnostics

func.func @not_attention(%x: tensor<4x40xf32>) -> tensor<4x40xf32> {
  // expected-note @below {{this op}}
  %p = attic.softmax %x, axis = 1 : tensor<4x40xf32>
  return %p : tensor<4x40xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %s = transform.structured.match ops{["attic.softmax"]} in %root : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{expected an attic.attention with the softmax or softplus kernel, got 'attic.softmax'}}
    transform.attic.flash_attention %s : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

func.func @linear_kernel(%q: tensor<1x1x8x4xf32>, %k: tensor<1x1x8x4xf32>, %v: tensor<1x1x8x4xf32>) -> tensor<1x1x8x4xf32> {
  // expected-note @below {{this op}}
  %o = attic.attention %q, %k, %v {kernel = #attic.kernel<elu_plus_one>} : tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32> -> tensor<1x1x8x4xf32>
  return %o : tensor<1x1x8x4xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %a = transform.structured.match ops{["attic.attention"]} in %root : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{expected an attic.attention with the softmax or softplus kernel, got 'attic.attention'}}
    transform.attic.flash_attention %a : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

func.func @not_softmax(%q: tensor<1x1x8x4xf32>, %k: tensor<1x1x8x4xf32>, %v: tensor<1x1x8x4xf32>) -> tensor<1x1x8x4xf32> {
  // expected-note @below {{this op}}
  %o = attic.attention %q, %k, %v : tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32> -> tensor<1x1x8x4xf32>
  return %o : tensor<1x1x8x4xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %a = transform.structured.match ops{["attic.attention"]} in %root : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{expected attic.softmax, attic.log_softmax or attic.logsumexp, got 'attic.attention'}}
    transform.attic.softmax_form %a : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

func.func @not_loss(%x: tensor<4x40xf32>) -> tensor<4x40xf32> {
  // expected-note @below {{this op}}
  %p = attic.softmax %x, axis = 1 : tensor<4x40xf32>
  return %p : tensor<4x40xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %s = transform.structured.match ops{["attic.softmax"]} in %root : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{expected attic.linear_cross_entropy, attic.linear_spherical_z_loss or their gradient, got 'attic.softmax'}}
    transform.attic.cut_cross_entropy %s : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.consumed}) {
    // expected-error @below {{'transform.attic.flash_attention' op block sizes must be at least 1, got block_q = 0 and block_kv = 64}}
    transform.attic.flash_attention %root {block_q = 0} : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.consumed}) {
    // expected-error @below {{'transform.attic.softmax_form' op algorithm must be "online" or "two-pass", got "three-pass"}}
    transform.attic.softmax_form %root {algorithm = "three-pass"} : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.consumed}) {
    // expected-error @below {{'transform.attic.cut_cross_entropy' op block sizes must be at least 1, got block_n = 128 and block_v = -4}}
    transform.attic.cut_cross_entropy %root {block_v = -4} : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.consumed}) {
    // expected-error @below {{'transform.attic.cut_cross_entropy' op filter_eps must be in [0, 1), got 2}}
    transform.attic.cut_cross_entropy %root {filter_eps = 2.0} : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

func.func @windowed_linear(%q: tensor<1x1x8x4xf32>, %k: tensor<1x1x8x4xf32>, %v: tensor<1x1x8x4xf32>) -> tensor<1x1x8x4xf32> {
  // expected-note @below {{this op}}
  %o = attic.attention %q, %k, %v {causal, left_window = 2 : i64, kernel = #attic.kernel<relu>} : tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32> -> tensor<1x1x8x4xf32>
  return %o : tensor<1x1x8x4xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %a = transform.structured.match ops{["attic.attention"]} in %root : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{expected an attic.attention with a feature-map kernel or an attic.linear_attention with static shapes (this attention: sliding windows do not factorize), got 'attic.attention'}}
    transform.attic.linear_attention %a : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

func.func @softmax_for_linear(%x: tensor<4x40xf32>) -> tensor<4x40xf32> {
  // expected-note @below {{this op}}
  %p = attic.softmax %x, axis = 1 : tensor<4x40xf32>
  return %p : tensor<4x40xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %s = transform.structured.match ops{["attic.softmax"]} in %root : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{expected an attic.attention with a feature-map kernel or an attic.linear_attention with static shapes, got 'attic.softmax'}}
    transform.attic.linear_attention %s : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.consumed}) {
    // expected-error @below {{'transform.attic.linear_attention' op chunk_size must be at least 1, got 0}}
    transform.attic.linear_attention %root {chunk_size = 0} : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

func.func @softmax_free_softcap(%q: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  // expected-note @below {{this op}}
  %o = attic.attention %q, %q, %q {softcap = 5.0} : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %a = transform.structured.match ops{["attic.attention"]} in %root : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{expected an attic.attention with the softmax kernel that the "relu" kernel can express (this op: its softcap caps logits, which the 'relu' kernel does not have), got 'attic.attention'}}
    transform.attic.softmax_free %a {kernel = "relu"} : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.consumed}) {
    // expected-error @below {{'transform.attic.softmax_free' op kernel must be softplus, elu_plus_one, relu, squared_relu or gaussian, got 'softmax'}}
    transform.attic.softmax_free %root {kernel = "softmax"} : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.consumed}) {
    // expected-error @below {{'transform.attic.softmax_free' op train_length and reweight_power apply to the softplus kernel, not 'gaussian'}}
    transform.attic.softmax_free %root {kernel = "gaussian", train_length = 64} : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.consumed}) {
    // expected-error @below {{'transform.attic.softmax_free' op reweight_power must be positive and finite, got 0}}
    transform.attic.softmax_free %root {reweight_power = 0.0} : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}
