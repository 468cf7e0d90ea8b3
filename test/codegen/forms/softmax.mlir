// The softmax forms read the input twice: one reduction producing two row
// values (running maximum and rescaled sum; or mantissa sum and exponent),
// then the output pass; logsumexp reads it once. The reference reads it
// three times.
//
// Along an innermost axis, the reduction keeps 16 running states per row
// (element i goes to state i mod 16) over the row's first multiple of 16
// elements: its innermost loop is parallel, so it vectorizes. A second
// reduction merges the 16 states, and the rest of the row (fewer than 16
// elements, absent when the length is a known multiple) continues from the
// merged state.
// RUN: attic-opt %s --attic-lower-to-linalg --canonicalize --cse | FileCheck %s

// CHECK-LABEL: func.func @online
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<4x?xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %c1
// CHECK: %[[CHUNKS:.*]] = arith.divui %[[N]], %c16
// CHECK: %[[WHOLE:.*]] = arith.muli %[[CHUNKS]], %c16
// CHECK: %[[RESTLEN:.*]] = arith.subi %[[N]], %[[WHOLE]]
// CHECK: %[[MAIN:.*]] = tensor.extract_slice %[[X]][0, 0] [4, %[[WHOLE]]] [1, 1]
// CHECK: %[[SPLIT:.*]] = tensor.expand_shape %[[MAIN]] {{\[\[}}0], [1, 2]] output_shape [4, %[[CHUNKS]], 16] : tensor<4x?xf32> into tensor<4x?x16xf32>
// CHECK: %[[LANES:.*]]:2 = linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[SPLIT]] : tensor<4x?x16xf32>) outs(%{{.*}}, %{{.*}} : tensor<4x16xf32>, tensor<4x16xf32>)
// CHECK:   arith.maximumf
// CHECK:   arith.minimumf
// CHECK:   math.exp
// CHECK:   math.fma
// CHECK:   linalg.yield %{{.*}}, %{{.*}} : f32, f32
// CHECK: %[[ROWS:.*]]:2 = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[LANES]]#0, %[[LANES]]#1 : tensor<4x16xf32>, tensor<4x16xf32>) outs(%{{.*}}, %{{.*}} : tensor<4xf32>, tensor<4xf32>)
// CHECK: %[[REST:.*]] = tensor.extract_slice %[[X]][0, %[[WHOLE]]] [4, %[[RESTLEN]]] [1, 1]
// CHECK: %[[STATS:.*]]:2 = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[REST]] : tensor<4x?xf32>) outs(%[[ROWS]]#0, %[[ROWS]]#1 : tensor<4xf32>, tensor<4xf32>)
// CHECK-NOT: "reduction"
// CHECK: linalg.generic {{.*}} ins(%[[X]], %{{.*}}, %[[STATS]]#1 : tensor<4x?xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK:   math.exp
// CHECK:   arith.divf
// CHECK-NOT: ins(%[[X]]
// CHECK: return
func.func @online(%x: tensor<4x?xf32>) -> tensor<4x?xf32> {
  %y = attic.online_softmax <softmax> %x, axis = 1 : tensor<4x?xf32> -> tensor<4x?xf32>
  return %y : tensor<4x?xf32>
}

// A known multiple of 16: no rest.
// CHECK-LABEL: func.func @online_multiple
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [4, 2, 16] : tensor<4x32xf32> into tensor<4x2x16xf32>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<4x16xf32>, tensor<4x16xf32>)
// CHECK-NOT: tensor.extract_slice
// CHECK-NOT: "reduction"
// CHECK: return
func.func @online_multiple(%x: tensor<4x32xf32>) -> tensor<4x32xf32> {
  %y = attic.online_softmax <log_softmax> %x, axis = 1 : tensor<4x32xf32> -> tensor<4x32xf32>
  return %y : tensor<4x32xf32>
}

// Rows shorter than 16, and reductions along an outer axis (whose innermost
// loop is parallel already), are one plain reduction.
// CHECK-LABEL: func.func @online_logsumexp
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<4x8xf32>)
// CHECK-NOT: tensor.expand_shape
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<4x8xf32>)
// CHECK-NOT: ins(%[[X]]
// CHECK: math.log
// CHECK: return {{.*}} : tensor<4x1xf32>
func.func @online_logsumexp(%x: tensor<4x8xf32>) -> tensor<4x1xf32> {
  %y = attic.online_softmax <logsumexp> %x, axis = 1 {keep_dim} : tensor<4x8xf32> -> tensor<4x1xf32>
  return %y : tensor<4x1xf32>
}

// CHECK-LABEL: func.func @online_outer_axis
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<64x8xf32>)
// CHECK-NOT: tensor.expand_shape
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]} ins(%[[X]] : tensor<64x8xf32>) outs(%{{.*}}, %{{.*}} : tensor<8xf32>, tensor<8xf32>)
// CHECK: return
func.func @online_outer_axis(%x: tensor<64x8xf32>) -> tensor<64x8xf32> {
  %y = attic.online_softmax <softmax> %x, axis = 0 : tensor<64x8xf32> -> tensor<64x8xf32>
  return %y : tensor<64x8xf32>
}

// No maximum: each element becomes a (mantissa, exponent) pair by a rounded
// division by ln 2 and a two-step FMA reduction, the pairs are summed with
// power-of-two rescaling (powers built from the exponent bits: integer add,
// shift and bitcast), and the output pass recomputes the pair.
// CHECK-LABEL: func.func @two_pass
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<4x?xf32>)
// CHECK: %[[SPLIT:.*]] = tensor.expand_shape
// CHECK: %[[LANES:.*]]:2 = linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[SPLIT]] : tensor<4x?x16xf32>) outs(%{{.*}}, %{{.*}} : tensor<4x16xf32>, tensor<4x16xf32>)
// CHECK:   math.roundeven
// CHECK:   math.fma
// CHECK:   math.fma
// CHECK:   math.exp
// CHECK:   arith.maximumf
// CHECK:   arith.fptosi
// CHECK:   arith.shli
// CHECK:   arith.bitcast
// CHECK-NOT: math.exp2
// CHECK:   linalg.yield %{{.*}}, %{{.*}} : f32, f32
// CHECK: %[[ROWS:.*]]:2 = linalg.generic {{.*}} ins(%[[LANES]]#0, %[[LANES]]#1 : tensor<4x16xf32>, tensor<4x16xf32>)
// CHECK: %[[STATS:.*]]:2 = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%{{.*}} : tensor<4x?xf32>) outs(%[[ROWS]]#0, %[[ROWS]]#1 : tensor<4xf32>, tensor<4xf32>)
// CHECK-NOT: "reduction"
// CHECK: linalg.generic {{.*}} ins(%[[X]], %[[STATS]]#0, %[[STATS]]#1 : tensor<4x?xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK:   math.roundeven
// CHECK:   arith.bitcast
// CHECK-NOT: ins(%[[X]]
// CHECK: return
func.func @two_pass(%x: tensor<4x?xf32>) -> tensor<4x?xf32> {
  %y = attic.two_pass_softmax <softmax> %x, axis = 1 : tensor<4x?xf32> -> tensor<4x?xf32>
  return %y : tensor<4x?xf32>
}
