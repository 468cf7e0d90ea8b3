// RUN: attic-opt %s --attic-simplify-onnx-shapes --split-input-file | FileCheck %s
// RUN: attic-opt %s --attic-raise-onnx --split-input-file | FileCheck %s --check-prefix=RAISE

// A head split as PyTorch exports it with dynamic axes: the target from
// Shape -> Gather -> Unsqueeze -> Concat becomes [0, 0, 4, 8] (the -1 is 32
// / 4 whatever batch and seq are), the types take the static sizes, and the
// scale computed from a shape, Pow(Cast(Squeeze(Slice(Shape(v)))), 0.5),
// becomes a constant.
// CHECK-LABEL: func.func @head_split
// CHECK: %[[T:[a-zA-Z0-9_]+]] = onnx.Constant {value = dense<[0, 0, 4, 8]> : tensor<4xi64>}
// CHECK: onnx.Reshape %arg0, %[[T]] : (tensor<?x?x32xf32>, tensor<4xi64>) -> tensor<?x?x4x8xf32>
// CHECK: onnx.Transpose {{.*}} -> tensor<?x4x?x8xf32>
// CHECK: %[[S:[a-zA-Z0-9_]+]] = onnx.Constant {value = dense<2.82842708> : tensor<f32>}
// CHECK: onnx.Div %{{.*}}, %[[S]] : (tensor<?x4x?x8xf32>, tensor<f32>) -> tensor<?x4x?x8xf32>
// CHECK-NOT: onnx.Shape
// CHECK-NOT: onnx.Pow
func.func @head_split(%x: tensor<?x?x32xf32> {onnx.dims = ["batch", "seq", ""]}) -> tensor<?x?x?x?xf32> {
  %none = onnx.None : none
  %s = onnx.Shape %x : (tensor<?x?x32xf32>) -> tensor<3xi64>
  %c0 = onnx.Constant {value = dense<0> : tensor<i64>} : tensor<i64>
  %c1 = onnx.Constant {value = dense<1> : tensor<i64>} : tensor<i64>
  %b = onnx.Gather %s, %c0 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %n = onnx.Gather %s, %c1 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %a0 = onnx.Constant {value = dense<0> : tensor<1xi64>} : tensor<1xi64>
  %b1 = onnx.Unsqueeze %b, %a0 : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %n1 = onnx.Unsqueeze %n, %a0 : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %h = onnx.Constant {value = dense<4> : tensor<1xi64>} : tensor<1xi64>
  %m1 = onnx.Constant {value = dense<-1> : tensor<1xi64>} : tensor<1xi64>
  %target = onnx.Concat %b1, %n1, %h, %m1 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4xi64>
  %r = onnx.Reshape %x, %target : (tensor<?x?x32xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  %t = onnx.Transpose %r {perm = [0, 2, 1, 3]} : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  %vs = onnx.Shape %t : (tensor<?x?x?x?xf32>) -> tensor<4xi64>
  %lo = onnx.Constant {value = dense<-1> : tensor<1xi64>} : tensor<1xi64>
  %hi = onnx.Constant {value = dense<9223372036854775807> : tensor<1xi64>} : tensor<1xi64>
  %d1 = onnx.Slice %vs, %lo, %hi, %a0, %none : (tensor<4xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, none) -> tensor<1xi64>
  %d = onnx.Squeeze %d1, %a0 : (tensor<1xi64>, tensor<1xi64>) -> tensor<i64>
  %df = onnx.Cast %d {to = 1 : i64} : (tensor<i64>) -> tensor<f32>
  %half = onnx.Constant {value = dense<5.000000e-01> : tensor<f32>} : tensor<f32>
  %sqrt = onnx.Pow %df, %half : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %y = onnx.Div %t, %sqrt : (tensor<?x?x?x?xf32>, tensor<f32>) -> tensor<?x?x?x?xf32>
  return %y : tensor<?x?x?x?xf32>
}

// -----

// GPT-2's causal mask: a registered tril buffer sliced to
// bias[:, :, k - q : k, :k] with q and k read from the shapes. With q and k
// the same symbol, k - q folds to 0, and raising reads the slice as the
// causal diagonal of the scores, whatever the sequence length.
// CHECK-LABEL: func.func @causal_slice
// RAISE-LABEL: func.func @causal_slice
// RAISE: attic.attention %{{.*}}, %{{.*}}, %{{.*}} {causal
// RAISE-SAME: tensor<?x4x?x8xf32>
// RAISE-NOT: onnx.Where
// RAISE-NOT: onnx.Softmax
func.func @causal_slice(%q: tensor<?x4x?x8xf32> {onnx.dims = ["b", "", "seq", ""]},
                        %k: tensor<?x4x?x8xf32> {onnx.dims = ["b", "", "seq", ""]},
                        %v: tensor<?x4x?x8xf32> {onnx.dims = ["b", "", "seq", ""]}) -> tensor<?x4x?x8xf32> {
  %bias = onnx.Constant {value = dense<[[[[true, false, false, false, false, false, false, false], [true, true, false, false, false, false, false, false], [true, true, true, false, false, false, false, false], [true, true, true, true, false, false, false, false], [true, true, true, true, true, false, false, false], [true, true, true, true, true, true, false, false], [true, true, true, true, true, true, true, false], [true, true, true, true, true, true, true, true]]]]> : tensor<1x1x8x8xi1>} : tensor<1x1x8x8xi1>
  %kt = onnx.Transpose %k {perm = [0, 1, 3, 2]} : (tensor<?x4x?x8xf32>) -> tensor<?x4x8x?xf32>
  %w = onnx.MatMul %q, %kt : (tensor<?x4x?x8xf32>, tensor<?x4x8x?xf32>) -> tensor<?x4x?x?xf32>
  %qs = onnx.Shape %q {start = 2 : i64, end = 3 : i64} : (tensor<?x4x?x8xf32>) -> tensor<1xi64>
  %ks = onnx.Shape %k {start = 2 : i64, end = 3 : i64} : (tensor<?x4x?x8xf32>) -> tensor<1xi64>
  %start = onnx.Sub %ks, %qs : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %a2 = onnx.Constant {value = dense<2> : tensor<1xi64>} : tensor<1xi64>
  %a3 = onnx.Constant {value = dense<3> : tensor<1xi64>} : tensor<1xi64>
  %z = onnx.Constant {value = dense<0> : tensor<1xi64>} : tensor<1xi64>
  %one = onnx.Constant {value = dense<1> : tensor<1xi64>} : tensor<1xi64>
  %rows = onnx.Slice %bias, %start, %ks, %a2, %one : (tensor<1x1x8x8xi1>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<*xi1>
  %mask = onnx.Slice %rows, %z, %ks, %a3, %one : (tensor<*xi1>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<*xi1>
  %lowest = onnx.Constant {value = dense<-3.40282347E+38> : tensor<f32>} : tensor<f32>
  %m = onnx.Where %mask, %w, %lowest : (tensor<*xi1>, tensor<?x4x?x?xf32>, tensor<f32>) -> tensor<*xf32>
  %p = onnx.Softmax %m : (tensor<*xf32>) -> tensor<*xf32>
  %y = onnx.MatMul %p, %v : (tensor<*xf32>, tensor<?x4x?x8xf32>) -> tensor<?x4x?x8xf32>
  return %y : tensor<?x4x?x8xf32>
}
