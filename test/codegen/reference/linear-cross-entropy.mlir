// IR of the reference linear cross-entropy: the N x V logits materialized in
// f32 by a contraction over D, then bias and softcap (c * tanh(z / c)), then
// the cross-entropy of the logits.
// RUN: attic-opt %s --attic-lower-to-linalg | FileCheck %s

// CHECK-DAG: #[[H:[a-zA-Z0-9_]+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[W:[a-zA-Z0-9_]+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[Z:[a-zA-Z0-9_]+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @lce
func.func @lce(%h: tensor<4x8xf16>, %c: tensor<32x8xf16>, %y: tensor<4xi64>, %b: tensor<32xf16>) -> tensor<f16> {
  // CHECK: %[[LOGITS:[a-zA-Z0-9_]+]] = linalg.generic {indexing_maps = [#[[H]], #[[W]], #[[Z]]], iterator_types = ["parallel", "parallel", "reduction"]}
  // CHECK-SAME: outs(%{{.*}} : tensor<4x32xf32>)
  // CHECK: %[[CAPPED:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} ins(%[[LOGITS]], %{{.*}} : tensor<4x32xf32>, tensor<32xf16>)
  // CHECK: arith.addf
  // CHECK: arith.divf %{{.*}}, %[[C:[a-zA-Z0-9_]+]] : f32
  // CHECK: math.tanh
  // CHECK: arith.mulf %{{.*}}, %[[C]] : f32
  // CHECK: linalg.generic {{.*}} ins(%[[CAPPED]] : tensor<4x32xf32>)
  // CHECK: tensor.extract %[[CAPPED]]
  // CHECK: arith.truncf %{{.*}} : f64 to f16
  // CHECK-NOT: attic.
  %l = attic.linear_cross_entropy %h, %c, %y bias(%b : tensor<32xf16>) {softcap = 30.0} : tensor<4x8xf16>, tensor<32x8xf16>, tensor<4xi64> -> tensor<f16>
  return %l : tensor<f16>
}
