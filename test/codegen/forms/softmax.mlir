// The softmax forms read the input twice: one reduction producing two row
// values (running maximum and rescaled sum; or mantissa sum and exponent),
// then the output pass; logsumexp reads it once. The reference reads it
// three times.
// RUN: attic-opt %s --attic-lower-to-linalg --canonicalize --cse | FileCheck %s

// CHECK-LABEL: func.func @online
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<4x?xf32>)
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<4x?xf32>) outs(%{{.*}}, %{{.*}} : tensor<4xf32>, tensor<4xf32>)
// CHECK:   arith.maximumf
// CHECK:   arith.minimumf
// CHECK:   math.exp
// CHECK:   math.fma
// CHECK:   linalg.yield %{{.*}}, %{{.*}} : f32, f32
// CHECK-NOT: "reduction"
// CHECK: linalg.generic {{.*}} ins(%[[X]], %{{.*}}, %{{.*}} : tensor<4x?xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK:   math.exp
// CHECK:   arith.divf
// CHECK-NOT: ins(%[[X]]
// CHECK: return
func.func @online(%x: tensor<4x?xf32>) -> tensor<4x?xf32> {
  %y = attic.online_softmax <softmax> %x, axis = 1 : tensor<4x?xf32> -> tensor<4x?xf32>
  return %y : tensor<4x?xf32>
}

// CHECK-LABEL: func.func @online_logsumexp
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<4x8xf32>)
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<4x8xf32>)
// CHECK-NOT: ins(%[[X]]
// CHECK: math.log
// CHECK: return {{.*}} : tensor<4x1xf32>
func.func @online_logsumexp(%x: tensor<4x8xf32>) -> tensor<4x1xf32> {
  %y = attic.online_softmax <logsumexp> %x, axis = 1 {keep_dim} : tensor<4x8xf32> -> tensor<4x1xf32>
  return %y : tensor<4x1xf32>
}

// No maximum: each element becomes a (mantissa, exponent) pair by a rounded
// division by ln 2 and a two-step FMA reduction, the pairs are summed with
// power-of-two rescaling, and the output pass recomputes the pair.
// CHECK-LABEL: func.func @two_pass
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<4x?xf32>)
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<4x?xf32>) outs(%{{.*}}, %{{.*}} : tensor<4xf32>, tensor<4xf32>)
// CHECK:   math.roundeven
// CHECK:   math.fma
// CHECK:   math.fma
// CHECK:   math.exp
// CHECK:   arith.maximumf
// CHECK:   math.exp2
// CHECK:   linalg.yield %{{.*}}, %{{.*}} : f32, f32
// CHECK-NOT: "reduction"
// CHECK: linalg.generic {{.*}} ins(%[[X]], %{{.*}}, %{{.*}} : tensor<4x?xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK:   math.roundeven
// CHECK:   math.exp2
// CHECK-NOT: ins(%[[X]]
// CHECK: return
func.func @two_pass(%x: tensor<4x?xf32>) -> tensor<4x?xf32> {
  %y = attic.two_pass_softmax <softmax> %x, axis = 1 : tensor<4x?xf32> -> tensor<4x?xf32>
  return %y : tensor<4x?xf32>
}
