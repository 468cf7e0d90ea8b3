// IR of the reference lowering of the softmax family: a max reduction, a sum
// of exponentials, one elementwise pass; f16 accumulates in f32.
// RUN: attic-opt %s --attic-lower-to-linalg --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<4x?xf16>)
func.func @softmax(%x: tensor<4x?xf16>) -> tensor<4x?xf16> {
  // CHECK: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
  // CHECK: %[[MAXINIT:.+]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.*}} : tensor<4xf32>)
  // CHECK: %[[RAWMAX:.+]] = linalg.generic
  // CHECK-SAME: iterator_types = ["parallel", "reduction"]
  // CHECK-SAME: ins(%[[X]] : tensor<4x?xf16>) outs(%[[MAXINIT]] : tensor<4xf32>)
  // CHECK: arith.extf %{{.*}} : f16 to f32
  // CHECK: arith.maximumf
  // An all -inf row keeps max = 0.
  // CHECK: %[[MAX:.+]] = linalg.generic {{.*}} ins(%[[RAWMAX]] : tensor<4xf32>)
  // CHECK: arith.cmpf oeq
  // CHECK: arith.select
  // CHECK: %[[SUM:.+]] = linalg.generic
  // CHECK-SAME: iterator_types = ["parallel", "reduction"]
  // CHECK-SAME: ins(%[[X]], %[[MAX]] : tensor<4x?xf16>, tensor<4xf32>)
  // CHECK: arith.subf
  // CHECK: math.exp
  // CHECK: arith.addf
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: iterator_types = ["parallel", "parallel"]
  // CHECK-SAME: ins(%[[X]], %[[MAX]], %[[SUM]] : tensor<4x?xf16>, tensor<4xf32>, tensor<4xf32>)
  // CHECK: math.exp
  // CHECK: arith.divf
  // CHECK: arith.select
  // CHECK: arith.truncf %{{.*}} : f32 to f16
  // CHECK: return %[[R]]
  %0 = attic.softmax %x, axis = 1 : tensor<4x?xf16>
  return %0 : tensor<4x?xf16>
}

// -----

// CHECK-LABEL: func.func @log_softmax_axis0
func.func @log_softmax_axis0(%x: tensor<8x3xf64>) -> tensor<8x3xf64> {
  // f64 stays f64; the reduction runs over d0.
  // CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}], iterator_types = ["reduction", "parallel"]}
  // CHECK-SAME: outs(%{{.*}} : tensor<3xf64>)
  // CHECK-NOT: arith.extf
  // CHECK: math.log
  // CHECK: arith.subf
  // CHECK-NOT: attic.
  %0 = attic.log_softmax %x, axis = 0 : tensor<8x3xf64>
  return %0 : tensor<8x3xf64>
}

// -----

// CHECK-LABEL: func.func @logsumexp
func.func @logsumexp(%x: tensor<2x5x7xf32>) -> tensor<2x7xf32> {
  // The reduction runs over d1, between two parallel dimensions.
  // CHECK: iterator_types = ["parallel", "reduction", "parallel"]
  // CHECK: math.exp
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<2x7xf32>, tensor<2x7xf32>) outs(%{{.*}} : tensor<2x7xf32>)
  // CHECK: math.log
  // CHECK: arith.addf
  // CHECK: return %[[R]] : tensor<2x7xf32>
  %0 = attic.logsumexp %x, axis = 1 : tensor<2x5x7xf32> -> tensor<2x7xf32>
  return %0 : tensor<2x7xf32>
}
