// The lowering of onnx ops to upstream tensor IR: broadcasting through
// indexing maps, contractions with broadcast batches, reductions that keep
// their axes, and softmax handed to the attic op. Numerical checks are in
// test/tools/attic-onnx/run.test.
// RUN: attic-opt %s --attic-lower-onnx --split-input-file | FileCheck %s

// A [3, 1] operand against a [2, 3, 4] result: its unit dimension reads
// index 0, the missing leading one is not read.
// CHECK-DAG: #[[A:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[B:.+]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-LABEL: func.func @broadcast
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[A]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK: arith.addf
// CHECK-NOT: onnx.
func.func @broadcast(%a: tensor<2x3x4xf32>, %b: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %c = onnx.Add %a, %b : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %c : tensor<2x3x4xf32>
}

// -----

// A [2, 1, 3, 4] x [5, 4, 6] product: loops (b0, b1, m, n, k), the first
// operand's unit batch read at 0, the second's missing one not read; f16
// accumulates in f32.
// CHECK-DAG: #[[L:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>
// CHECK-DAG: #[[R:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
// CHECK-DAG: #[[O:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @matmul
// CHECK: linalg.generic {indexing_maps = [#[[L]], #[[R]], #[[O]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME: outs(%{{.*}} : tensor<2x5x3x6xf32>)
// CHECK: arith.truncf
func.func @matmul(%a: tensor<2x1x3x4xf16>, %b: tensor<5x4x6xf16>) -> tensor<2x5x3x6xf16> {
  %c = onnx.MatMul %a, %b : (tensor<2x1x3x4xf16>, tensor<5x4x6xf16>) -> tensor<2x5x3x6xf16>
  return %c : tensor<2x5x3x6xf16>
}

// -----

// ReduceSum over axes [0, -1] with keepdims: a reduction into [3], then the
// two unit dimensions back.
// CHECK-LABEL: func.func @reduce
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "reduction"]
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1, 2]] output_shape [1, 3, 1] : tensor<3xf32> into tensor<1x3x1xf32>
func.func @reduce(%x: tensor<2x3x4xf32>) -> tensor<1x3x1xf32> {
  %axes = onnx.Constant {value = dense<[0, -1]> : tensor<2xi64>} : tensor<2xi64>
  %r = onnx.ReduceSum %x, %axes {keepdims = 1 : i64} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<1x3x1xf32>
  return %r : tensor<1x3x1xf32>
}

// -----

// Softmax becomes the attic op (for the reference lowering or a form);
// the unranked type the graph saw is kept by a cast. onnx.None goes.
// CHECK-LABEL: func.func @softmax
// CHECK: %[[S:.+]] = attic.softmax %{{.*}}, axis = 1 : tensor<4x10xf32>
// CHECK: tensor.cast %[[S]] : tensor<4x10xf32> to tensor<?x10xf32>
// CHECK-NOT: onnx.
func.func @softmax(%x: tensor<4x10xf32>) -> tensor<?x10xf32> {
  %none = onnx.None : none
  %s = onnx.Softmax %x {axis = -1 : i64} : (tensor<4x10xf32>) -> tensor<?x10xf32>
  return %s : tensor<?x10xf32>
}

// -----

// Erf becomes MLIR's f32 polynomial (LLVM has no error function to call);
// f16 is computed in f32.
// CHECK-LABEL: func.func @erf
// CHECK: linalg.generic
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK-NOT: math.erf
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @erf(%x: tensor<8xf16>) -> tensor<8xf16> {
  %y = onnx.Erf %x : (tensor<8xf16>) -> tensor<8xf16>
  return %y : tensor<8xf16>
}
