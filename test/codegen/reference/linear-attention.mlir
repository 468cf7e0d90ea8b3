// IR of the reference linear attention: an scf.for over the (here dynamic)
// sequence carrying the f32 state and the output; per step the time slices
// (unit dimension kept), the decay exp(g), the delta rule's S^T k with beta
// shared by the heads ([B, 1, T] read at head 0), the state update and the
// output contraction reading state h floordiv 2 (grouped-query heads).
// RUN: attic-opt %s --attic-lower-to-linalg | FileCheck %s

// CHECK-DAG: #[[GQA:[a-zA-Z0-9_]+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1 floordiv 2, d3, d2)>
// CHECK-DAG: #[[BETA:[a-zA-Z0-9_]+]] = affine_map<(d0, d1, d2, d3) -> (d0, 0, 0)>
// CHECK-LABEL: func.func @gated_delta
func.func @gated_delta(%q: tensor<1x4x?x3xf32>, %k: tensor<1x2x?x3xf32>, %v: tensor<1x2x?x2xf32>, %g: tensor<1x2x?xf32>, %b: tensor<1x1x?xf32>) -> (tensor<1x4x?x2xf32>, tensor<1x2x3x2xf32>) {
  // CHECK: %[[T:[a-zA-Z0-9_]+]] = tensor.dim %{{.*}}, %c2
  // CHECK: scf.for %[[I:[a-zA-Z0-9_]+]] = %c0 to %[[T]] step %c1 iter_args(%[[S:[a-zA-Z0-9_]+]] = %{{.*}}, %[[O:[a-zA-Z0-9_]+]] = %{{.*}}) -> (tensor<1x2x3x2xf32>, tensor<1x4x?x2xf32>)
  // CHECK: tensor.extract_slice %{{.*}}[0, 0, %[[I]], 0] [1, 4, 1, 3] [1, 1, 1, 1] : tensor<1x4x?x3xf32> to tensor<1x4x1x3xf32>
  // CHECK: %[[DECAYED:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} ins(%[[S]], %{{.*}} : tensor<1x2x3x2xf32>, tensor<1x2x1xf32>)
  // CHECK: math.exp
  // CHECK: %[[SK:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[DECAYED]], %{{.*}} : tensor<1x2x3x2xf32>, tensor<1x2x1x3xf32>) outs(%{{.*}} : tensor<1x2x2xf32>)
  // CHECK: %[[NEW:[a-zA-Z0-9_]+]] = linalg.generic {indexing_maps = [{{.*}}, #[[BETA]], {{.*}}]{{.*}} ins(%[[DECAYED]], %{{.*}}, %{{.*}}, %[[SK]], %{{.*}} :
  // CHECK: arith.subf
  // CHECK: %[[OT:[a-zA-Z0-9_]+]] = linalg.generic {indexing_maps = [#[[GQA]], {{.*}}} ins(%[[NEW]], %{{.*}} : tensor<1x2x3x2xf32>, tensor<1x4x1x3xf32>) outs(%{{.*}} : tensor<1x4x1x2xf32>)
  // CHECK: %[[INS:[a-zA-Z0-9_]+]] = tensor.insert_slice %[[OT]] into %[[O]][0, 0, %[[I]], 0] [1, 4, 1, 2]
  // CHECK: scf.yield %[[NEW]], %[[INS]]
  // CHECK-NOT: attic.
  %o, %s = attic.linear_attention %q, %k, %v decay(%g : tensor<1x2x?xf32>) beta(%b : tensor<1x1x?xf32>) {update_rule = #attic.update_rule<gated_delta>} : tensor<1x4x?x3xf32>, tensor<1x2x?x3xf32>, tensor<1x2x?x2xf32> -> tensor<1x4x?x2xf32>, tensor<1x2x3x2xf32>
  return %o, %s : tensor<1x4x?x2xf32>, tensor<1x2x3x2xf32>
}
