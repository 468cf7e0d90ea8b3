// Round trip of the softmax family in custom and generic form.
// RUN: attic-opt %s | attic-opt | FileCheck %s
// RUN: attic-opt %s --mlir-print-op-generic | attic-opt | FileCheck %s

// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<4x?xf32>, %[[H:[a-zA-Z0-9_]+]]: tensor<2x3x8xbf16>)
func.func @softmax(%x: tensor<4x?xf32>, %h: tensor<2x3x8xbf16>) {
  // CHECK: attic.softmax %[[X]], axis = 1 : tensor<4x?xf32>
  %0 = attic.softmax %x, axis = 1 : tensor<4x?xf32>
  // Negative axes parse and print as written; the canonicalizer normalizes.
  // CHECK: attic.softmax %[[H]], axis = -1 : tensor<2x3x8xbf16>
  %1 = attic.softmax %h, axis = -1 : tensor<2x3x8xbf16>
  return
}

// CHECK-LABEL: func.func @log_softmax
func.func @log_softmax(%x: tensor<4x32xf16>) -> tensor<4x32xf16> {
  // CHECK: attic.log_softmax %{{.*}}, axis = 0 : tensor<4x32xf16>
  %0 = attic.log_softmax %x, axis = 0 : tensor<4x32xf16>
  return %0 : tensor<4x32xf16>
}

// CHECK-LABEL: func.func @logsumexp
func.func @logsumexp(%x: tensor<4x32xf32>, %d: tensor<?x?x?xf64>) {
  // CHECK: attic.logsumexp %{{.*}}, axis = 1 : tensor<4x32xf32> -> tensor<4xf32>
  %0 = attic.logsumexp %x, axis = 1 : tensor<4x32xf32> -> tensor<4xf32>
  // CHECK: attic.logsumexp %{{.*}}, axis = 0 {keep_dim} : tensor<4x32xf32> -> tensor<1x32xf32>
  %1 = attic.logsumexp %x, axis = 0 {keep_dim} : tensor<4x32xf32> -> tensor<1x32xf32>
  // CHECK: attic.logsumexp %{{.*}}, axis = -2 : tensor<?x?x?xf64> -> tensor<?x?xf64>
  %2 = attic.logsumexp %d, axis = -2 : tensor<?x?x?xf64> -> tensor<?x?xf64>
  return
}
