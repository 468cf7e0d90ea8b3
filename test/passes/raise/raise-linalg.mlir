// attic-raise-linalg: softmax and attention written in linalg (as
// torch-mlir and IREE produce them) become attic ops; near misses stay.
// RUN: attic-opt %s --attic-raise-linalg --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @softmax
// CHECK-SAME:    (%[[X:.*]]: tensor<4x?xf32>)
// CHECK:         %[[S:.*]] = attic.softmax %[[X]], axis = 1 : tensor<4x?xf32>
// CHECK:         return %[[S]]
func.func @softmax(%x: tensor<4x?xf32>) -> tensor<4x?xf32> {
  %c1 = arith.constant 1 : index
  %n = tensor.dim %x, %c1 : tensor<4x?xf32>
  %e = tensor.empty(%n) : tensor<4x?xf32>
  %s = linalg.softmax dimension(1) ins(%x : tensor<4x?xf32>) outs(%e : tensor<4x?xf32>) -> tensor<4x?xf32>
  return %s : tensor<4x?xf32>
}

// -----

// torch-mlir style: K transposed by linalg.transpose, the scores divided by
// sqrt(D), batch = heads.
// CHECK-LABEL: func.func @batch_attention_transpose
// CHECK-SAME:    (%[[Q:.*]]: tensor<6x16x8xf32>, %[[K:.*]]: tensor<6x20x8xf32>, %[[V:.*]]: tensor<6x20x4xf32>)
// CHECK-DAG:     %[[Q4:.*]] = tensor.expand_shape %[[Q]] {{\[}}[0, 1], [2], [3]] output_shape [6, 1, 16, 8]
// CHECK-DAG:     %[[K4:.*]] = tensor.expand_shape %[[K]] {{\[}}[0, 1], [2], [3]] output_shape [6, 1, 20, 8]
// CHECK-DAG:     %[[V4:.*]] = tensor.expand_shape %[[V]] {{\[}}[0, 1], [2], [3]] output_shape [6, 1, 20, 4]
// CHECK:         %[[O:.*]] = attic.attention %[[Q4]], %[[K4]], %[[V4]] {scale = 0.35355339664408242 : f64} : tensor<6x1x16x8xf32>, tensor<6x1x20x8xf32>, tensor<6x1x20x4xf32> -> tensor<6x1x16x4xf32>
// CHECK:         %[[R:.*]] = tensor.collapse_shape %[[O]] {{\[}}[0, 1], [2], [3]]
// CHECK-NOT:     linalg.
// CHECK:         return %[[R]] : tensor<6x16x4xf32>
func.func @batch_attention_transpose(%q: tensor<6x16x8xf32>, %k: tensor<6x20x8xf32>, %v: tensor<6x20x4xf32>) -> tensor<6x16x4xf32> {
  %zero = arith.constant 0.0 : f32
  %sqrt_d = arith.constant 2.8284271247461903 : f32
  %kt_init = tensor.empty() : tensor<6x8x20xf32>
  %kt = linalg.transpose ins(%k : tensor<6x20x8xf32>) outs(%kt_init : tensor<6x8x20xf32>) permutation = [0, 2, 1]
  %s_init = tensor.empty() : tensor<6x16x20xf32>
  %s_zero = linalg.fill ins(%zero : f32) outs(%s_init : tensor<6x16x20xf32>) -> tensor<6x16x20xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<6x16x8xf32>, tensor<6x8x20xf32>) outs(%s_zero : tensor<6x16x20xf32>) -> tensor<6x16x20xf32>
  %scaled = linalg.generic {indexing_maps = [affine_map<(b, i, j) -> (b, i, j)>, affine_map<(b, i, j) -> (b, i, j)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s : tensor<6x16x20xf32>) outs(%s_init : tensor<6x16x20xf32>) {
  ^bb0(%in: f32, %out: f32):
    %d = arith.divf %in, %sqrt_d : f32
    linalg.yield %d : f32
  } -> tensor<6x16x20xf32>
  %p = linalg.softmax dimension(2) ins(%scaled : tensor<6x16x20xf32>) outs(%s_init : tensor<6x16x20xf32>) -> tensor<6x16x20xf32>
  %o_init = tensor.empty() : tensor<6x16x4xf32>
  %o_zero = linalg.fill ins(%zero : f32) outs(%o_init : tensor<6x16x4xf32>) -> tensor<6x16x4xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<6x16x20xf32>, tensor<6x20x4xf32>) outs(%o_zero : tensor<6x16x4xf32>) -> tensor<6x16x4xf32>
  return %o : tensor<6x16x4xf32>
}

// -----

// IREE style: Kᵀ through the matmul's indexing maps, the scale a multiplier
// inside the generic, 2-D operands (one head).
// CHECK-LABEL: func.func @matmul_attention_maps
// CHECK:         %[[O:.*]] = attic.attention %{{.*}}, %{{.*}}, %{{.*}} {scale = 1.250000e-01 : f64} : tensor<1x1x?x8xf16>, tensor<1x1x32x8xf16>, tensor<1x1x32x8xf16> -> tensor<1x1x?x8xf16>
// CHECK:         tensor.collapse_shape %[[O]] {{\[}}[0, 1, 2], [3]]
func.func @matmul_attention_maps(%q: tensor<?x8xf16>, %k: tensor<32x8xf16>, %v: tensor<32x8xf16>) -> tensor<?x8xf16> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f16
  %n = tensor.dim %q, %c0 : tensor<?x8xf16>
  %s_init = tensor.empty(%n) : tensor<?x32xf16>
  %s_zero = linalg.fill ins(%zero : f16) outs(%s_init : tensor<?x32xf16>) -> tensor<?x32xf16>
  %s = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] ins(%q, %k : tensor<?x8xf16>, tensor<32x8xf16>) outs(%s_zero : tensor<?x32xf16>) -> tensor<?x32xf16>
  %scaled = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%s : tensor<?x32xf16>) outs(%s_init : tensor<?x32xf16>) {
  ^bb0(%in: f16, %out: f16):
    %c = arith.constant 0.125 : f16
    %m = arith.mulf %c, %in : f16
    linalg.yield %m : f16
  } -> tensor<?x32xf16>
  %p = linalg.softmax dimension(1) ins(%scaled : tensor<?x32xf16>) outs(%s_init : tensor<?x32xf16>) -> tensor<?x32xf16>
  %o_init = tensor.empty(%n) : tensor<?x8xf16>
  %o_zero = linalg.fill ins(%zero : f16) outs(%o_init : tensor<?x8xf16>) -> tensor<?x8xf16>
  %o = linalg.matmul ins(%p, %v : tensor<?x32xf16>, tensor<32x8xf16>) outs(%o_zero : tensor<?x8xf16>) -> tensor<?x8xf16>
  return %o : tensor<?x8xf16>
}

// -----

// No scaling: scale 1, not the default 1/sqrt(D).
// CHECK-LABEL: func.func @unscaled
// CHECK:         attic.attention {{.*}} {scale = 1.000000e+00 : f64}
func.func @unscaled(%q: tensor<2x4x8xf32>, %k: tensor<2x4x8xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x4xf32>
  %sz = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (b, n, k)>, affine_map<(b, m, n, k) -> (b, m, n)>] ins(%q, %k : tensor<2x4x8xf32>, tensor<2x4x8xf32>) outs(%sz : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%s : tensor<2x4x4xf32>) outs(%e : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %oe = tensor.empty() : tensor<2x4x8xf32>
  %oz = linalg.fill ins(%zero : f32) outs(%oe : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%oz : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// Near misses, left as they are (the softmax itself is raised): the output
// product accumulates into a nonzero init; the scores are Q·K, not Q·Kᵀ;
// the softmax runs along the query axis.
// CHECK-LABEL: func.func @near_misses
// CHECK-NOT:     attic.attention
// CHECK-COUNT-3: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<2x4x4xf32>, tensor<2x4x4xf32>)
// CHECK-NOT:     attic.attention
func.func @near_misses(%q: tensor<2x4x4xf32>, %k: tensor<2x4x4xf32>, %v: tensor<2x4x4xf32>, %acc: tensor<2x4x4xf32>) -> (tensor<2x4x4xf32>, tensor<2x4x4xf32>, tensor<2x4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x4xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %st = linalg.batch_matmul indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (b, n, k)>, affine_map<(b, m, n, k) -> (b, m, n)>] ins(%q, %k : tensor<2x4x4xf32>, tensor<2x4x4xf32>) outs(%z : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%st : tensor<2x4x4xf32>) outs(%e : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %o1 = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x4xf32>) outs(%acc : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %k : tensor<2x4x4xf32>, tensor<2x4x4xf32>) outs(%z : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %p2 = linalg.softmax dimension(2) ins(%s : tensor<2x4x4xf32>) outs(%e : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %o2 = linalg.batch_matmul ins(%p2, %v : tensor<2x4x4xf32>, tensor<2x4x4xf32>) outs(%z : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %p3 = linalg.softmax dimension(1) ins(%st : tensor<2x4x4xf32>) outs(%e : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %o3 = linalg.batch_matmul ins(%p3, %v : tensor<2x4x4xf32>, tensor<2x4x4xf32>) outs(%z : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  return %o1, %o2, %o3 : tensor<2x4x4xf32>, tensor<2x4x4xf32>, tensor<2x4x4xf32>
}

// -----

// A select whose fill does not mask a score out (0, or -100: exp(-100) is
// a weight in f32) is no mask: not raised. (The softmax is.)
// CHECK-LABEL: func.func @select_no_mask
// CHECK-NOT:     attic.attention
// CHECK-COUNT-2: arith.select
// CHECK-NOT:     attic.attention
func.func @select_no_mask(%q: tensor<2x4x4xf32>, %k: tensor<2x4x4xf32>, %v: tensor<2x4x4xf32>, %m: tensor<2x4x4xi1>) -> (tensor<2x4x4xf32>, tensor<2x4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %small = arith.constant -100.0 : f32
  %e = tensor.empty() : tensor<2x4x4xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %st = linalg.batch_matmul indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (b, n, k)>, affine_map<(b, m, n, k) -> (b, m, n)>] ins(%q, %k : tensor<2x4x4xf32>, tensor<2x4x4xf32>) outs(%z : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s1 = linalg.generic {indexing_maps = [affine_map<(b, i, j) -> (b, i, j)>, affine_map<(b, i, j) -> (b, i, j)>, affine_map<(b, i, j) -> (b, i, j)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%st, %m : tensor<2x4x4xf32>, tensor<2x4x4xi1>) outs(%e : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %b: i1, %out: f32):
    %x = arith.select %b, %a, %zero : f32
    linalg.yield %x : f32
  } -> tensor<2x4x4xf32>
  %s2 = linalg.generic {indexing_maps = [affine_map<(b, i, j) -> (b, i, j)>, affine_map<(b, i, j) -> (b, i, j)>, affine_map<(b, i, j) -> (b, i, j)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%st, %m : tensor<2x4x4xf32>, tensor<2x4x4xi1>) outs(%e : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %b: i1, %out: f32):
    %x = arith.select %b, %a, %small : f32
    linalg.yield %x : f32
  } -> tensor<2x4x4xf32>
  %p1 = linalg.softmax dimension(2) ins(%s1 : tensor<2x4x4xf32>) outs(%e : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %o1 = linalg.batch_matmul ins(%p1, %v : tensor<2x4x4xf32>, tensor<2x4x4xf32>) outs(%z : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %p2 = linalg.softmax dimension(2) ins(%s2 : tensor<2x4x4xf32>) outs(%e : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %o2 = linalg.batch_matmul ins(%p2, %v : tensor<2x4x4xf32>, tensor<2x4x4xf32>) outs(%z : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  return %o1, %o2 : tensor<2x4x4xf32>, tensor<2x4x4xf32>
}
