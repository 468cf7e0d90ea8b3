// IR of the reference top-k softmax: an scf.for over the k slots; each pass
// is one reduction along the axis that picks the best element ranking after
// the previous choice, inserted at its slot; the probabilities come from the
// softmax row statistics, or with renormalize from the sum over the k chosen.
// RUN: attic-opt %s --attic-lower-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @gate
func.func @gate(%x: tensor<16x8xf16>) -> (tensor<16x2xf16>, tensor<16x2xi64>) {
  // CHECK: %[[K:[a-zA-Z0-9_]+]] = arith.constant 2 : index
  // CHECK: %[[LOOP:[a-zA-Z0-9_]+]]:4 = scf.for %[[SLOT:[a-zA-Z0-9_]+]] = %{{.*}} to %[[K]] step
  // CHECK: %[[PICK:[a-zA-Z0-9_]+]]:2 = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<16x8xf16>, tensor<16x1xf32>, tensor<16x1xi64>) outs(%{{.*}}, %{{.*}} : tensor<16x1xf32>, tensor<16x1xi64>)
  // CHECK: linalg.index 1
  // CHECK: arith.cmpf uno
  // CHECK: arith.cmpi slt
  // CHECK: tensor.insert_slice %[[PICK]]#0 into %{{.*}}[0, %[[SLOT]]] [16, 1] [1, 1]
  // CHECK: tensor.insert_slice %[[PICK]]#1 into %{{.*}}[0, %[[SLOT]]] [16, 1] [1, 1]
  // Renormalize: the sum of exp(x - max) over the chosen.
  // CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[LOOP]]#0, %{{.*}} : tensor<16x2xf32>, tensor<16xf32>)
  // CHECK: math.exp
  // CHECK: arith.truncf %{{.*}} : f32 to f16
  // CHECK: return %{{.*}}, %[[LOOP]]#1 : tensor<16x2xf16>, tensor<16x2xi64>
  %v, %i = attic.topk_softmax %x, k = 2, axis = 1 {renormalize} : tensor<16x8xf16> -> tensor<16x2xf16>, tensor<16x2xi64>
  return %v, %i : tensor<16x2xf16>, tensor<16x2xi64>
}
