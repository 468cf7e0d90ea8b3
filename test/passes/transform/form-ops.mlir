// Attic's transform ops pick which ops get which form: a transform script
// run by --transform-interpreter rewrites only the ops its handles point to.
// RUN: attic-opt %s --transform-interpreter --split-input-file | FileCheck %s

// Flash attention on the second attention only, with the script's blocks;
// the first stays.
// CHECK-LABEL: func.func @attention
// CHECK:         attic.attention %{{.*}} {causal}
// CHECK:         %[[F:.*]] = attic.flash_attention %{{.*}} {block_kv = 8 : i64, block_q = 16 : i64, rewritten, scale = 5.000000e-01 : f64}
// CHECK:         return %{{.*}}, %[[F]]
func.func @attention(%q: tensor<1x2x32x8xf32>, %k: tensor<1x2x32x8xf32>, %v: tensor<1x2x32x8xf32>) -> (tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>) {
  %a = attic.attention %q, %k, %v {causal} : tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32> -> tensor<1x2x32x8xf32>
  %b = attic.attention %q, %k, %v {scale = 0.5} : tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32> -> tensor<1x2x32x8xf32>
  return %a, %b : tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %all = transform.structured.match ops{["attic.attention"]} in %root : (!transform.any_op) -> !transform.any_op
    %first, %second = transform.split_handle %all : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    %flash = transform.attic.flash_attention %second {block_q = 16, block_kv = 8} : (!transform.any_op) -> !transform.any_op
    // The returned handle points to the new op.
    transform.annotate %flash "rewritten" : !transform.any_op
    transform.yield
  }
}

// -----

// The default block sizes are the pass's.
// CHECK-LABEL: func.func @attention_defaults
// CHECK:         attic.flash_attention %{{.*}} {block_kv = 64 : i64, block_q = 64 : i64}
func.func @attention_defaults(%q: tensor<1x1x8x4xf32>, %k: tensor<1x1x8x4xf32>, %v: tensor<1x1x8x4xf32>) -> tensor<1x1x8x4xf32> {
  %o = attic.attention %q, %k, %v : tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32> -> tensor<1x1x8x4xf32>
  return %o : tensor<1x1x8x4xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %a = transform.structured.match ops{["attic.attention"]} in %root : (!transform.any_op) -> !transform.any_op
    transform.attic.flash_attention %a : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

// Two forms in one function: two-pass for the softmax, online (the
// default) for the logsumexp; the log_softmax no handle points to stays.
// CHECK-LABEL: func.func @softmax
// CHECK:         attic.two_pass_softmax <softmax> %{{.*}}, axis = 1
// CHECK:         attic.log_softmax %{{.*}}, axis = 1
// CHECK:         attic.online_softmax <logsumexp> %{{.*}}, axis = 1
func.func @softmax(%x: tensor<4x40xf32>) -> (tensor<4x40xf32>, tensor<4x40xf32>, tensor<4xf32>) {
  %p = attic.softmax %x, axis = 1 : tensor<4x40xf32>
  %lp = attic.log_softmax %x, axis = 1 : tensor<4x40xf32>
  %l = attic.logsumexp %x, axis = 1 : tensor<4x40xf32> -> tensor<4xf32>
  return %p, %lp, %l : tensor<4x40xf32>, tensor<4x40xf32>, tensor<4xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %s = transform.structured.match ops{["attic.softmax"]} in %root : (!transform.any_op) -> !transform.any_op
    transform.attic.softmax_form %s {algorithm = "two-pass"} : (!transform.any_op) -> !transform.any_op
    %l = transform.structured.match ops{["attic.logsumexp"]} in %root : (!transform.any_op) -> !transform.any_op
    transform.attic.softmax_form %l : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

// Cut cross-entropy: the forward with its blocks; the gradient with its
// filter and sorting.
// CHECK-LABEL: func.func @losses
// CHECK:         attic.cut_cross_entropy %{{.*}} {block_n = 4 : i64, block_v = 16 : i64}
// CHECK:         attic.cut_cross_entropy_grad %{{.*}} {block_n = 2 : i64, block_v = 8 : i64, filter_eps = 1.000000e-03 : f64, {{.*}}sort_vocab}
func.func @losses(%h: tensor<8x4xf32>, %w: tensor<32x4xf32>, %y: tensor<8xi64>, %g: tensor<f32>) -> (tensor<f32>, tensor<8x4xf32>, tensor<32x4xf32>) {
  %l = attic.linear_cross_entropy %h, %w, %y : tensor<8x4xf32>, tensor<32x4xf32>, tensor<8xi64> -> tensor<f32>
  %dh, %dw = attic.linear_cross_entropy_grad %h, %w, %y, %g : tensor<8x4xf32>, tensor<32x4xf32>, tensor<8xi64>, tensor<f32> -> tensor<8x4xf32>, tensor<32x4xf32>
  return %l, %dh, %dw : tensor<f32>, tensor<8x4xf32>, tensor<32x4xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %f = transform.structured.match ops{["attic.linear_cross_entropy"]} in %root : (!transform.any_op) -> !transform.any_op
    transform.attic.cut_cross_entropy %f {block_n = 4, block_v = 16} : (!transform.any_op) -> !transform.any_op
    %b = transform.structured.match ops{["attic.linear_cross_entropy_grad"]} in %root : (!transform.any_op) -> !transform.any_op
    transform.attic.cut_cross_entropy %b {block_n = 2, block_v = 8, filter_eps = 1.0e-03, sort_vocab} : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

// Feature-map attention and a one-step linear attention (which the pass
// would leave recurrent) both take their chunked forms when a script names
// them.
// CHECK-LABEL: func.func @linear
// CHECK: attic.linearized_attention %{{.*}} {causal, chunk_size = 32 : i64, kernel = #attic.kernel<squared_relu>}
// CHECK: attic.chunked_linear_attention %{{.*}} {chunk_size = 32 : i64, update_rule = #attic.update_rule<delta>}
func.func @linear(%q: tensor<1x2x8x4xf32>, %k: tensor<1x2x8x4xf32>, %v: tensor<1x2x8x4xf32>, %q1: tensor<1x2x1x4xf32>, %k1: tensor<1x2x1x4xf32>, %v1: tensor<1x2x1x4xf32>, %b: tensor<1x2x1xf32>) -> (tensor<1x2x8x4xf32>, tensor<1x2x1x4xf32>) {
  %o = attic.attention %q, %k, %v {causal, kernel = #attic.kernel<squared_relu>} : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32>
  %o1, %s1 = attic.linear_attention %q1, %k1, %v1 beta(%b : tensor<1x2x1xf32>) {update_rule = #attic.update_rule<delta>} : tensor<1x2x1x4xf32>, tensor<1x2x1x4xf32>, tensor<1x2x1x4xf32> -> tensor<1x2x1x4xf32>, tensor<1x2x4x4xf32>
  return %o, %o1 : tensor<1x2x8x4xf32>, tensor<1x2x1x4xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %ops = transform.structured.match ops{["attic.attention", "attic.linear_attention"]} in %root : (!transform.any_op) -> !transform.any_op
    %forms = transform.attic.linear_attention %ops {chunk_size = 32} : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

// The softmax-free rewrite on the first attention only: softplus with the
// length scale and re-weighting; the second keeps softmax.
// CHECK-LABEL: func.func @softmax_free
// CHECK:         attic.attention %{{.*}} {causal, kernel = #attic.kernel<softplus>, reweight_power = 2.000000e+00 : f64, rewritten, train_length = 128 : i64}
// CHECK:         attic.attention %{{.*}} {scale = 5.000000e-01 : f64}
func.func @softmax_free(%q: tensor<1x2x32x8xf32>, %k: tensor<1x2x32x8xf32>, %v: tensor<1x2x32x8xf32>) -> (tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>) {
  %a = attic.attention %q, %k, %v {causal} : tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32> -> tensor<1x2x32x8xf32>
  %b = attic.attention %q, %k, %v {scale = 0.5} : tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32> -> tensor<1x2x32x8xf32>
  return %a, %b : tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %all = transform.structured.match ops{["attic.attention"]} in %root : (!transform.any_op) -> !transform.any_op
    %first, %second = transform.split_handle %all : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    %free = transform.attic.softmax_free %first {train_length = 128, reweight_power = 2.0} : (!transform.any_op) -> !transform.any_op
    transform.annotate %free "rewritten" : !transform.any_op
    transform.yield
  }
}

// -----

// A feature map, then the linear form on the rewritten op: a script can
// chain the softmax-free rewrite with the form it opens.
// CHECK-LABEL: func.func @softmax_free_then_linear
// CHECK:         attic.linearized_attention %{{.*}} {causal, chunk_size = 8 : i64, kernel = #attic.kernel<elu_plus_one>}
func.func @softmax_free_then_linear(%q: tensor<1x2x32x8xf32>, %k: tensor<1x2x32x8xf32>, %v: tensor<1x2x32x8xf32>) -> tensor<1x2x32x8xf32> {
  %a = attic.attention %q, %k, %v {causal, scale = 0.3} : tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32> -> tensor<1x2x32x8xf32>
  return %a : tensor<1x2x32x8xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %a = transform.structured.match ops{["attic.attention"]} in %root : (!transform.any_op) -> !transform.any_op
    %free = transform.attic.softmax_free %a {kernel = "elu_plus_one"} : (!transform.any_op) -> !transform.any_op
    %linear = transform.attic.linear_attention %free {chunk_size = 8} : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}
