// Round trip of attic.topk_softmax.
// RUN: attic-opt %s | attic-opt | FileCheck %s
// RUN: attic-opt %s --mlir-print-op-generic | attic-opt | FileCheck %s

// CHECK-LABEL: func.func @gate
func.func @gate(%x: tensor<16x8xf32>, %d: tensor<?x64xf16>) {
  // CHECK: attic.topk_softmax %{{.*}}, k = 2, axis = 1 {renormalize} : tensor<16x8xf32> -> tensor<16x2xf32>, tensor<16x2xi64>
  %v, %i = attic.topk_softmax %x, k = 2, axis = 1 {renormalize}
             : tensor<16x8xf32> -> tensor<16x2xf32>, tensor<16x2xi64>
  // CHECK: attic.topk_softmax %{{.*}}, k = 8, axis = -1 : tensor<?x64xf16> -> tensor<?x8xf16>, tensor<?x8xi64>
  %v2, %i2 = attic.topk_softmax %d, k = 8, axis = -1
             : tensor<?x64xf16> -> tensor<?x8xf16>, tensor<?x8xi64>
  return
}
