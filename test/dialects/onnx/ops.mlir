// Round trip of every onnx op in custom and generic form: an attention
// block with a loss as an exporter spells it, then the remaining ops.
// RUN: attic-opt %s | attic-opt | FileCheck %s
// RUN: attic-opt %s --mlir-print-op-generic | attic-opt | FileCheck %s

// CHECK-LABEL: func.func @block
func.func @block(%x: tensor<2x16x64xf32>, %w: tensor<64x192xf32>, %mask: tensor<16x16xi1>, %y: tensor<32xi64>) -> tensor<f32> {
  // CHECK: %[[NONE:[a-zA-Z0-9_]+]] = onnx.None : none
  %none = onnx.None : none
  // CHECK: onnx.Constant {value = dense<[2, 16, 4, 16]> : tensor<4xi64>} : tensor<4xi64>
  %shape = onnx.Constant {value = dense<[2, 16, 4, 16]> : tensor<4xi64>} : tensor<4xi64>
  %scale = onnx.Constant {value = dense<4.0> : tensor<f32>} : tensor<f32>
  %fill = onnx.Constant {value = dense<-10000.0> : tensor<f32>} : tensor<f32>
  // CHECK: onnx.MatMul %{{.*}}, %{{.*}} : (tensor<2x16x64xf32>, tensor<64x192xf32>) -> tensor<2x16x192xf32>
  %qkv = onnx.MatMul %x, %w : (tensor<2x16x64xf32>, tensor<64x192xf32>) -> tensor<2x16x192xf32>
  // CHECK: onnx.Split %{{.*}}, %[[NONE]] {axis = 2 : i64, num_outputs = 3 : i64} : (tensor<2x16x192xf32>, none) -> (tensor<2x16x64xf32>, tensor<2x16x64xf32>, tensor<2x16x64xf32>)
  %q, %k, %v = onnx.Split %qkv, %none {axis = 2 : i64, num_outputs = 3 : i64} : (tensor<2x16x192xf32>, none) -> (tensor<2x16x64xf32>, tensor<2x16x64xf32>, tensor<2x16x64xf32>)
  // CHECK: onnx.Reshape %{{.*}}, %{{.*}} : (tensor<2x16x64xf32>, tensor<4xi64>) -> tensor<2x16x4x16xf32>
  %q4 = onnx.Reshape %q, %shape : (tensor<2x16x64xf32>, tensor<4xi64>) -> tensor<2x16x4x16xf32>
  %k4 = onnx.Reshape %k, %shape : (tensor<2x16x64xf32>, tensor<4xi64>) -> tensor<2x16x4x16xf32>
  %v4 = onnx.Reshape %v, %shape {allowzero = 0 : i64} : (tensor<2x16x64xf32>, tensor<4xi64>) -> tensor<2x16x4x16xf32>
  // CHECK: onnx.Transpose %{{.*}} {perm = [0, 2, 1, 3]} : (tensor<2x16x4x16xf32>) -> tensor<2x4x16x16xf32>
  %qh = onnx.Transpose %q4 {perm = [0, 2, 1, 3]} : (tensor<2x16x4x16xf32>) -> tensor<2x4x16x16xf32>
  // CHECK: onnx.Transpose %{{.*}} {perm = [0, 2, 3, 1]}
  %kt = onnx.Transpose %k4 {perm = [0, 2, 3, 1]} : (tensor<2x16x4x16xf32>) -> tensor<2x4x16x16xf32>
  %vh = onnx.Transpose %v4 {perm = [0, 2, 1, 3]} : (tensor<2x16x4x16xf32>) -> tensor<2x4x16x16xf32>
  %s = onnx.MatMul %qh, %kt : (tensor<2x4x16x16xf32>, tensor<2x4x16x16xf32>) -> tensor<2x4x16x16xf32>
  // CHECK: onnx.Div %{{.*}}, %{{.*}} : (tensor<2x4x16x16xf32>, tensor<f32>) -> tensor<2x4x16x16xf32>
  %ss = onnx.Div %s, %scale : (tensor<2x4x16x16xf32>, tensor<f32>) -> tensor<2x4x16x16xf32>
  // CHECK: onnx.Where %{{.*}}, %{{.*}}, %{{.*}} : (tensor<16x16xi1>, tensor<2x4x16x16xf32>, tensor<f32>) -> tensor<2x4x16x16xf32>
  %sm = onnx.Where %mask, %ss, %fill : (tensor<16x16xi1>, tensor<2x4x16x16xf32>, tensor<f32>) -> tensor<2x4x16x16xf32>
  // Attributes at their ONNX default are not printed.
  // CHECK: onnx.Softmax %{{.*}} : (tensor<2x4x16x16xf32>) -> tensor<2x4x16x16xf32>
  %p = onnx.Softmax %sm {axis = -1 : i64} : (tensor<2x4x16x16xf32>) -> tensor<2x4x16x16xf32>
  %o = onnx.MatMul %p, %vh : (tensor<2x4x16x16xf32>, tensor<2x4x16x16xf32>) -> tensor<2x4x16x16xf32>
  %flat = onnx.Constant {value = dense<[32, 64]> : tensor<2xi64>} : tensor<2xi64>
  %ot = onnx.Transpose %o {perm = [0, 2, 1, 3]} : (tensor<2x4x16x16xf32>) -> tensor<2x16x4x16xf32>
  %o2 = onnx.Reshape %ot, %flat : (tensor<2x16x4x16xf32>, tensor<2xi64>) -> tensor<32x64xf32>
  // CHECK: onnx.SoftmaxCrossEntropyLoss %{{.*}}, %{{.*}}, %[[NONE]] {ignore_index = -100 : i64} : (tensor<32x64xf32>, tensor<32xi64>, none) -> (tensor<f32>, none)
  %l, %lp = onnx.SoftmaxCrossEntropyLoss %o2, %y, %none {ignore_index = -100 : i64, reduction = "mean"} : (tensor<32x64xf32>, tensor<32xi64>, none) -> (tensor<f32>, none)
  return %l : tensor<f32>
}

// CHECK-LABEL: func.func @elementwise
func.func @elementwise(%x: tensor<4xf32>, %b: tensor<4xi1>) {
  // CHECK: onnx.Exp
  // CHECK: onnx.Log
  // CHECK: onnx.Neg
  // CHECK: onnx.Sqrt
  // CHECK: onnx.Not
  // CHECK: onnx.Softplus
  // CHECK: onnx.Relu
  // CHECK: onnx.Tanh
  // CHECK: onnx.Erf
  // CHECK: onnx.Sigmoid
  // CHECK: onnx.Reciprocal
  // CHECK: onnx.Elu %{{.*}} {alpha = 5.000000e-01 : f32}
  // CHECK: onnx.Add
  // CHECK: onnx.Sub
  // CHECK: onnx.Mul
  // CHECK: onnx.Pow
  // CHECK: onnx.Equal
  // CHECK: onnx.Less
  // CHECK: onnx.Or
  // CHECK: onnx.And
  // CHECK: onnx.Cast %{{.*}} {to = 7 : i64} : (tensor<4xf32>) -> tensor<4xi64>
  // CHECK: onnx.Identity %{{.*}} : (tensor<4xf32>) -> tensor<?xf32>
  %0 = onnx.Exp %x : (tensor<4xf32>) -> tensor<4xf32>
  %1 = onnx.Log %x : (tensor<4xf32>) -> tensor<4xf32>
  %2 = onnx.Neg %x : (tensor<4xf32>) -> tensor<4xf32>
  %3 = onnx.Sqrt %x : (tensor<4xf32>) -> tensor<4xf32>
  %4 = onnx.Not %b : (tensor<4xi1>) -> tensor<4xi1>
  %5 = onnx.Softplus %x : (tensor<4xf32>) -> tensor<4xf32>
  %6 = onnx.Relu %x : (tensor<4xf32>) -> tensor<4xf32>
  %7 = onnx.Tanh %x : (tensor<4xf32>) -> tensor<4xf32>
  %8 = onnx.Erf %x : (tensor<4xf32>) -> tensor<4xf32>
  %9 = onnx.Sigmoid %x : (tensor<4xf32>) -> tensor<4xf32>
  %10 = onnx.Reciprocal %x : (tensor<4xf32>) -> tensor<4xf32>
  %11 = onnx.Elu %x {alpha = 0.5 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %12 = onnx.Add %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %13 = onnx.Sub %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %14 = onnx.Mul %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %15 = onnx.Pow %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %16 = onnx.Equal %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %17 = onnx.Less %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %18 = onnx.Or %b, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %19 = onnx.And %b, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %20 = onnx.Cast %x {to = 7 : i64} : (tensor<4xf32>) -> tensor<4xi64>
  %21 = onnx.Identity %x : (tensor<4xf32>) -> tensor<?xf32>
  return
}

// CHECK-LABEL: func.func @shapes_and_reductions
func.func @shapes_and_reductions(%x: tensor<4x10xf32>, %a: tensor<8x16xf32>, %b: tensor<16x8xf32>, %i: tensor<1xi64>, %dyn: tensor<?x?xf32>, %u: tensor<*xf32>) {
  %none = onnx.None : none
  // CHECK: onnx.Gemm %{{.*}}, %{{.*}}, %{{.*}} {transA = 1 : i64, transB = 1 : i64} : (tensor<8x16xf32>, tensor<16x8xf32>, none) -> tensor<16x16xf32>
  %0 = onnx.Gemm %a, %b, %none {transA = 1 : i64, transB = 1 : i64} : (tensor<8x16xf32>, tensor<16x8xf32>, none) -> tensor<16x16xf32>
  // CHECK: onnx.LogSoftmax %{{.*}} {axis = 1 : i64}
  %1 = onnx.LogSoftmax %x {axis = 1 : i64} : (tensor<4x10xf32>) -> tensor<4x10xf32>
  // CHECK: onnx.ReduceMax %{{.*}}, %{{.*}} : (tensor<4x10xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %2 = onnx.ReduceMax %x, %i : (tensor<4x10xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  // CHECK: onnx.ReduceSum %{{.*}}, %{{.*}} {keepdims = 0 : i64}
  %3 = onnx.ReduceSum %x, %i {keepdims = 0 : i64} : (tensor<4x10xf32>, tensor<1xi64>) -> tensor<4xf32>
  // CHECK: onnx.ReduceMean %{{.*}}, %{{.*}} : (tensor<4x10xf32>, none) -> tensor<1x1xf32>
  %4 = onnx.ReduceMean %x, %none : (tensor<4x10xf32>, none) -> tensor<1x1xf32>
  // CHECK: onnx.ReduceLogSumExp
  %5 = onnx.ReduceLogSumExp %x, %i : (tensor<4x10xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  // CHECK: onnx.TopK %{{.*}}, %{{.*}} : (tensor<4x10xf32>, tensor<1xi64>) -> (tensor<4x?xf32>, tensor<4x?xi64>)
  %6:2 = onnx.TopK %x, %i : (tensor<4x10xf32>, tensor<1xi64>) -> (tensor<4x?xf32>, tensor<4x?xi64>)
  // CHECK: onnx.ArgMax %{{.*}} {axis = 1 : i64, keepdims = 0 : i64}
  %7 = onnx.ArgMax %x {axis = 1 : i64, keepdims = 0 : i64} : (tensor<4x10xf32>) -> tensor<4xi64>
  // CHECK: onnx.ConstantOfShape %{{.*}} {value = dense<true> : tensor<1xi1>} : (tensor<1xi64>) -> tensor<?xi1>
  %8 = onnx.ConstantOfShape %i {value = dense<true> : tensor<1xi1>} : (tensor<1xi64>) -> tensor<?xi1>
  // CHECK: onnx.Shape %{{.*}} {end = 2 : i64, start = 1 : i64} : (tensor<?x?xf32>) -> tensor<1xi64>
  %9 = onnx.Shape %dyn {start = 1 : i64, end = 2 : i64} : (tensor<?x?xf32>) -> tensor<1xi64>
  // CHECK: onnx.Expand
  %10 = onnx.Expand %x, %i : (tensor<4x10xf32>, tensor<1xi64>) -> tensor<4x10xf32>
  // CHECK: onnx.Unsqueeze
  %11 = onnx.Unsqueeze %x, %i : (tensor<4x10xf32>, tensor<1xi64>) -> tensor<4x1x10xf32>
  // CHECK: onnx.Squeeze %{{.*}}, %{{.*}} : (tensor<4x1x10xf32>, none) -> tensor<4x10xf32>
  %12 = onnx.Squeeze %11, %none : (tensor<4x1x10xf32>, none) -> tensor<4x10xf32>
  // CHECK: onnx.Concat %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %13 = onnx.Concat %i, %i {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  // CHECK: onnx.Slice %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4x10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, none) -> tensor<4x?xf32>
  %14 = onnx.Slice %x, %i, %i, %i, %none : (tensor<4x10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, none) -> tensor<4x?xf32>
  // CHECK: onnx.Split %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<4x10xf32>, tensor<2xi64>) -> (tensor<4x?xf32>, tensor<4x?xf32>)
  %15:2 = onnx.Split %x, %13 {axis = 1 : i64} : (tensor<4x10xf32>, tensor<2xi64>) -> (tensor<4x?xf32>, tensor<4x?xf32>)
  // CHECK: onnx.Gather %{{.*}}, %{{.*}} {axis = 1 : i64}
  %16 = onnx.Gather %x, %i {axis = 1 : i64} : (tensor<4x10xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  // CHECK: onnx.GatherElements
  %17 = onnx.GatherElements %x, %i {axis = 1 : i64} : (tensor<4x10xf32>, tensor<1xi64>) -> tensor<1xf32>
  // CHECK: onnx.Trilu %{{.*}}, %{{.*}} {upper = 0 : i64} : (tensor<4x10xf32>, none) -> tensor<4x10xf32>
  %18 = onnx.Trilu %x, %none {upper = 0 : i64} : (tensor<4x10xf32>, none) -> tensor<4x10xf32>
  // CHECK: onnx.LayerNormalization %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4x10xf32>, tensor<1xi64>, none) -> (tensor<4x10xf32>, none, none)
  %19:3 = onnx.LayerNormalization %x, %i, %none : (tensor<4x10xf32>, tensor<1xi64>, none) -> (tensor<4x10xf32>, none, none)
  // CHECK: onnx.NegativeLogLikelihoodLoss %{{.*}}, %{{.*}}, %{{.*}} {reduction = "sum"} : (tensor<4x10xf32>, tensor<1xi64>, none) -> tensor<f32>
  %20 = onnx.NegativeLogLikelihoodLoss %1, %i, %none {reduction = "sum"} : (tensor<4x10xf32>, tensor<1xi64>, none) -> tensor<f32>
  // Unranked tensors pass every verifier.
  // CHECK: onnx.Softmax %{{.*}} {axis = 5 : i64} : (tensor<*xf32>) -> tensor<*xf32>
  %21 = onnx.Softmax %u {axis = 5 : i64} : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// CHECK-LABEL: func.func @attention
func.func @attention(%q: tensor<1x8x16x64xf32>, %k: tensor<1x2x16x64xf32>, %v: tensor<1x2x16x64xf32>, %m: tensor<16x16xi1>, %q3: tensor<1x16x256xf32>, %n: tensor<1xi64>, %g: tensor<1x16x2xf32>) {
  %none = onnx.None : none
  // CHECK: onnx.Attention %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {is_causal = 1 : i64, left_window_size = 4 : i64, qk_matmul_output_mode = 3 : i64, scale = 1.250000e-01 : f32, softcap = 3.000000e+01 : f32} : (tensor<1x8x16x64xf32>, tensor<1x2x16x64xf32>, tensor<1x2x16x64xf32>, tensor<16x16xi1>, none, none, tensor<1xi64>) -> (tensor<1x8x16x64xf32>, none, none, tensor<1x8x16x16xf32>)
  %0:4 = onnx.Attention %q, %k, %v, %m, %none, %none, %n {is_causal = 1 : i64, scale = 0.125 : f32, softcap = 30.0 : f32, left_window_size = 4 : i64, qk_matmul_output_mode = 3 : i64} : (tensor<1x8x16x64xf32>, tensor<1x2x16x64xf32>, tensor<1x2x16x64xf32>, tensor<16x16xi1>, none, none, tensor<1xi64>) -> (tensor<1x8x16x64xf32>, none, none, tensor<1x8x16x16xf32>)
  // CHECK: onnx.Attention {{.*}} {kv_num_heads = 4 : i64, q_num_heads = 4 : i64}
  %1:4 = onnx.Attention %q3, %q3, %q3, %none, %none, %none, %none {q_num_heads = 4 : i64, kv_num_heads = 4 : i64} : (tensor<1x16x256xf32>, tensor<1x16x256xf32>, tensor<1x16x256xf32>, none, none, none, none) -> (tensor<1x16x256xf32>, none, none, none)
  // CHECK: onnx.LinearAttention {{.*}} {kv_num_heads = 2 : i64, q_num_heads = 4 : i64, update_rule = "linear"} : (tensor<1x16x256xf32>, tensor<1x16x256xf32>, tensor<1x16x256xf32>, none, none, none) -> (tensor<1x16x256xf32>, none)
  %2:2 = onnx.LinearAttention %q3, %q3, %q3, %none, %none, %none {q_num_heads = 4 : i64, kv_num_heads = 2 : i64, update_rule = "linear"} : (tensor<1x16x256xf32>, tensor<1x16x256xf32>, tensor<1x16x256xf32>, none, none, none) -> (tensor<1x16x256xf32>, none)
  // gated_delta, LinearAttention-27's default, is not printed.
  // CHECK: onnx.LinearAttention {{.*}} {kv_num_heads = 2 : i64, q_num_heads = 4 : i64} : (tensor<1x16x256xf32>, tensor<1x16x256xf32>, tensor<1x16x256xf32>, none, tensor<1x16x2xf32>, tensor<1x16x2xf32>) -> (tensor<1x16x256xf32>, none)
  %3:2 = onnx.LinearAttention %q3, %q3, %q3, %none, %g, %g {q_num_heads = 4 : i64, kv_num_heads = 2 : i64, update_rule = "gated_delta"} : (tensor<1x16x256xf32>, tensor<1x16x256xf32>, tensor<1x16x256xf32>, none, tensor<1x16x2xf32>, tensor<1x16x2xf32>) -> (tensor<1x16x256xf32>, none)
  return
}

// CHECK-LABEL: func.func @generic_node
func.func @generic_node(%a: tensor<4x8xf32>, %b: tensor<16x8xf32>) -> tensor<4x16xf32> {
  %none = onnx.None : none
  // CHECK: onnx.Node "com.microsoft" "FusedMatMul"(%{{.*}}, %{{.*}}) {alpha = 1.000000e+00 : f32, transB = 1 : i64} : (tensor<4x8xf32>, tensor<16x8xf32>) -> tensor<4x16xf32>
  %y = onnx.Node "com.microsoft" "FusedMatMul" (%a, %b) {transB = 1 : i64, alpha = 1.0 : f32} : (tensor<4x8xf32>, tensor<16x8xf32>) -> tensor<4x16xf32>
  // CHECK: onnx.Node "" "Dropout"(%{{.*}}, %{{.*}}) {} : (tensor<4x16xf32>, none) -> (tensor<4x16xf32>, none)
  %d:2 = onnx.Node "" "Dropout" (%y, %none) {} : (tensor<4x16xf32>, none) -> (tensor<4x16xf32>, none)
  return %d#0 : tensor<4x16xf32>
}
