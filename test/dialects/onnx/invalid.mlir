// Verifier messages of the onnx ops.
// RUN: attic-opt %s --split-input-file --verify-diagnostics

func.func @gemm_flag(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) {
  %none = onnx.None : none
  // expected-error @+1 {{transA must be 0 or 1, got 2}}
  %y = onnx.Gemm %a, %b, %none {transA = 2 : i64} : (tensor<4x8xf32>, tensor<8x16xf32>, none) -> tensor<4x16xf32>
  return
}

// -----

func.func @gemm_rank(%a: tensor<2x4x8xf32>, %b: tensor<8x16xf32>) {
  %none = onnx.None : none
  // expected-error @+1 {{A must be 2-D, got rank 3}}
  %y = onnx.Gemm %a, %b, %none : (tensor<2x4x8xf32>, tensor<8x16xf32>, none) -> tensor<4x16xf32>
  return
}

// -----

func.func @gemm_inner(%a: tensor<4x8xf32>, %b: tensor<16x8xf32>) {
  %none = onnx.None : none
  // expected-error @+1 {{inner dimensions differ: 8 (A) and 16 (B)}}
  %y = onnx.Gemm %a, %b, %none : (tensor<4x8xf32>, tensor<16x8xf32>, none) -> tensor<4x16xf32>
  return
}

// -----

func.func @softmax_axis(%x: tensor<4x10xf32>) {
  // expected-error @+1 {{axis 2 is out of range for input of rank 2 (must be in [-2, 2))}}
  %y = onnx.Softmax %x {axis = 2 : i64} : (tensor<4x10xf32>) -> tensor<4x10xf32>
  return
}

// -----

func.func @log_softmax_axis(%x: tensor<4x10xf32>) {
  // expected-error @+1 {{axis -3 is out of range for input of rank 2 (must be in [-2, 2))}}
  %y = onnx.LogSoftmax %x {axis = -3 : i64} : (tensor<4x10xf32>) -> tensor<4x10xf32>
  return
}

// -----

func.func @constant_type() {
  // expected-error @+1 {{value of type 'tensor<2xi64>' does not match the result type 'tensor<2xi32>'}}
  %c = onnx.Constant {value = dense<[1, 2]> : tensor<2xi64>} : tensor<2xi32>
  return
}

// -----

func.func @transpose_size(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{perm has 2 entries for data of rank 3}}
  %t = onnx.Transpose %x {perm = [1, 0]} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  return
}

// -----

func.func @transpose_perm(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{perm is not a permutation of [0, 3)}}
  %t = onnx.Transpose %x {perm = [0, 2, 2]} : (tensor<2x3x4xf32>) -> tensor<2x4x4xf32>
  return
}

// -----

func.func @concat_empty() {
  // expected-error @+1 {{needs at least one input}}
  %c = onnx.Concat {axis = 0 : i64} : () -> tensor<0xi64>
  return
}

// -----

func.func @concat_axis(%a: tensor<2xi64>) {
  // expected-error @+1 {{axis 1 is out of range for the inputs of rank 1 (must be in [-1, 1))}}
  %c = onnx.Concat %a, %a {axis = 1 : i64} : (tensor<2xi64>, tensor<2xi64>) -> tensor<4xi64>
  return
}

// -----

func.func @split_both(%x: tensor<4x10xf32>, %s: tensor<2xi64>) {
  // expected-error @+1 {{has both the split input and num_outputs; ONNX allows one}}
  %a:2 = onnx.Split %x, %s {axis = 1 : i64, num_outputs = 2 : i64} : (tensor<4x10xf32>, tensor<2xi64>) -> (tensor<4x5xf32>, tensor<4x5xf32>)
  return
}

// -----

func.func @split_count(%x: tensor<4x10xf32>) {
  %none = onnx.None : none
  // expected-error @+1 {{num_outputs is 3 but the node has 2 outputs}}
  %a:2 = onnx.Split %x, %none {axis = 1 : i64, num_outputs = 3 : i64} : (tensor<4x10xf32>, none) -> (tensor<4x5xf32>, tensor<4x5xf32>)
  return
}

// -----

func.func @split_axis(%x: tensor<4x10xf32>) {
  %none = onnx.None : none
  // expected-error @+1 {{axis 2 is out of range for input of rank 2}}
  %a:2 = onnx.Split %x, %none {axis = 2 : i64, num_outputs = 2 : i64} : (tensor<4x10xf32>, none) -> (tensor<4x5xf32>, tensor<4x5xf32>)
  return
}

// -----

func.func @nll_reduction(%x: tensor<4x10xf32>, %y: tensor<4xi64>) {
  %none = onnx.None : none
  // expected-error @+1 {{reduction must be 'none', 'sum' or 'mean', got 'max'}}
  %l = onnx.NegativeLogLikelihoodLoss %x, %y, %none {reduction = "max"} : (tensor<4x10xf32>, tensor<4xi64>, none) -> tensor<f32>
  return
}

// -----

func.func @sce_reduction(%x: tensor<4x10xf32>, %y: tensor<4xi64>) {
  %none = onnx.None : none
  // expected-error @+1 {{reduction must be 'none', 'sum' or 'mean', got 'Mean'}}
  %l, %lp = onnx.SoftmaxCrossEntropyLoss %x, %y, %none {reduction = "Mean"} : (tensor<4x10xf32>, tensor<4xi64>, none) -> (tensor<f32>, none)
  return
}

// -----

func.func @attention_causal(%q: tensor<1x8x16x64xf32>) {
  %none = onnx.None : none
  // expected-error @+1 {{is_causal must be 0 or 1, got 2}}
  %0:4 = onnx.Attention %q, %q, %q, %none, %none, %none, %none {is_causal = 2 : i64} : (tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, none, none, none, none) -> (tensor<1x8x16x64xf32>, none, none, none)
  return
}

// -----

func.func @attention_mode(%q: tensor<1x8x16x64xf32>) {
  %none = onnx.None : none
  // expected-error @+1 {{qk_matmul_output_mode must be 0, 1, 2 or 3, got 4}}
  %0:4 = onnx.Attention %q, %q, %q, %none, %none, %none, %none {qk_matmul_output_mode = 4 : i64} : (tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, none, none, none, none) -> (tensor<1x8x16x64xf32>, none, none, none)
  return
}

// -----

func.func @attention_softcap(%q: tensor<1x8x16x64xf32>) {
  %none = onnx.None : none
  // expected-error @+1 {{softcap must be 0 (off) or positive, got -1}}
  %0:4 = onnx.Attention %q, %q, %q, %none, %none, %none, %none {softcap = -1.0 : f32} : (tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, none, none, none, none) -> (tensor<1x8x16x64xf32>, none, none, none)
  return
}

// -----

func.func @attention_window(%q: tensor<1x8x16x64xf32>) {
  %none = onnx.None : none
  // expected-error @+1 {{left_window_size must be -1 (unbounded) or at least 0, got -2}}
  %0:4 = onnx.Attention %q, %q, %q, %none, %none, %none, %none {left_window_size = -2 : i64} : (tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>, none, none, none, none) -> (tensor<1x8x16x64xf32>, none, none, none)
  return
}

// -----

func.func @attention_rank(%q: tensor<8x16x64x1x1xf32>) {
  %none = onnx.None : none
  // expected-error @+1 {{Q must be 3-D [B, S, H * D] or 4-D [B, H, S, D], got rank 5}}
  %0:4 = onnx.Attention %q, %q, %q, %none, %none, %none, %none : (tensor<8x16x64x1x1xf32>, tensor<8x16x64x1x1xf32>, tensor<8x16x64x1x1xf32>, none, none, none, none) -> (tensor<8x16x64x1x1xf32>, none, none, none)
  return
}

// -----

func.func @attention_3d_heads(%q: tensor<1x16x256xf32>) {
  %none = onnx.None : none
  // expected-error @+1 {{3-D inputs need q_num_heads and kv_num_heads}}
  %0:4 = onnx.Attention %q, %q, %q, %none, %none, %none, %none {q_num_heads = 4 : i64} : (tensor<1x16x256xf32>, tensor<1x16x256xf32>, tensor<1x16x256xf32>, none, none, none, none) -> (tensor<1x16x256xf32>, none, none, none)
  return
}

// -----

func.func @attention_gqa(%q: tensor<1x16x256xf32>) {
  %none = onnx.None : none
  // expected-error @+1 {{q_num_heads 4 is not a multiple of kv_num_heads 3}}
  %0:4 = onnx.Attention %q, %q, %q, %none, %none, %none, %none {q_num_heads = 4 : i64, kv_num_heads = 3 : i64} : (tensor<1x16x256xf32>, tensor<1x16x256xf32>, tensor<1x16x256xf32>, none, none, none, none) -> (tensor<1x16x256xf32>, none, none, none)
  return
}

// -----

func.func @linear_rule(%q: tensor<1x16x256xf32>) {
  %none = onnx.None : none
  // expected-error @+1 {{update_rule must be 'linear', 'gated', 'delta' or 'gated_delta', got 'mamba'}}
  %0:2 = onnx.LinearAttention %q, %q, %q, %none, %none, %none {q_num_heads = 4 : i64, kv_num_heads = 4 : i64, update_rule = "mamba"} : (tensor<1x16x256xf32>, tensor<1x16x256xf32>, tensor<1x16x256xf32>, none, none, none) -> (tensor<1x16x256xf32>, none)
  return
}

// -----

func.func @linear_default_rule(%q: tensor<1x16x256xf32>, %b: tensor<1x16x4xf32>) {
  %none = onnx.None : none
  // expected-error @+1 {{update_rule 'gated_delta' (gated_delta is the default) needs the decay input}}
  %0:2 = onnx.LinearAttention %q, %q, %q, %none, %none, %b {q_num_heads = 4 : i64, kv_num_heads = 4 : i64} : (tensor<1x16x256xf32>, tensor<1x16x256xf32>, tensor<1x16x256xf32>, none, none, tensor<1x16x4xf32>) -> (tensor<1x16x256xf32>, none)
  return
}

// -----

func.func @linear_delta_beta(%q: tensor<1x16x256xf32>) {
  %none = onnx.None : none
  // expected-error @+1 {{update_rule 'delta' (gated_delta is the default) needs the beta input}}
  %0:2 = onnx.LinearAttention %q, %q, %q, %none, %none, %none {q_num_heads = 4 : i64, kv_num_heads = 4 : i64, update_rule = "delta"} : (tensor<1x16x256xf32>, tensor<1x16x256xf32>, tensor<1x16x256xf32>, none, none, none) -> (tensor<1x16x256xf32>, none)
  return
}

// -----

func.func @linear_chunk(%q: tensor<1x16x256xf32>) {
  %none = onnx.None : none
  // expected-error @+1 {{chunk_size must be positive, got 0}}
  %0:2 = onnx.LinearAttention %q, %q, %q, %none, %none, %none {q_num_heads = 4 : i64, kv_num_heads = 4 : i64, update_rule = "linear", chunk_size = 0 : i64} : (tensor<1x16x256xf32>, tensor<1x16x256xf32>, tensor<1x16x256xf32>, none, none, none) -> (tensor<1x16x256xf32>, none)
  return
}

// -----

func.func @linear_rank(%q: tensor<1x4x16x64xf32>) {
  %none = onnx.None : none
  // expected-error @+1 {{query must be 3-D [B, T, H * D], got rank 4}}
  %0:2 = onnx.LinearAttention %q, %q, %q, %none, %none, %none {q_num_heads = 4 : i64, kv_num_heads = 4 : i64, update_rule = "linear"} : (tensor<1x4x16x64xf32>, tensor<1x4x16x64xf32>, tensor<1x4x16x64xf32>, none, none, none) -> (tensor<1x4x16x64xf32>, none)
  return
}

// -----

func.func @linear_heads(%q: tensor<1x16x256xf32>) {
  %none = onnx.None : none
  // expected-error @+1 {{q_num_heads and kv_num_heads must be positive, got 4 and 0}}
  %0:2 = onnx.LinearAttention %q, %q, %q, %none, %none, %none {q_num_heads = 4 : i64, kv_num_heads = 0 : i64, update_rule = "linear"} : (tensor<1x16x256xf32>, tensor<1x16x256xf32>, tensor<1x16x256xf32>, none, none, none) -> (tensor<1x16x256xf32>, none)
  return
}

// -----

func.func @node_type(%a: tensor<4xf32>) {
  // expected-error @+1 {{needs an op_type}}
  %y = onnx.Node "" "" (%a) {} : (tensor<4xf32>) -> tensor<4xf32>
  return
}
