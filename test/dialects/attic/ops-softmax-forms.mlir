// Round trip of the softmax form ops in custom and generic form.
// RUN: attic-opt %s | attic-opt | FileCheck %s
// RUN: attic-opt %s --mlir-print-op-generic | attic-opt | FileCheck %s

// CHECK-LABEL: func.func @forms
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<4x?xf32>)
func.func @forms(%x: tensor<4x?xf32>) {
  // CHECK: attic.online_softmax <softmax> %[[X]], axis = 1 : tensor<4x?xf32> -> tensor<4x?xf32>
  %0 = attic.online_softmax <softmax> %x, axis = 1 : tensor<4x?xf32> -> tensor<4x?xf32>
  // CHECK: attic.online_softmax <log_softmax> %[[X]], axis = -1 : tensor<4x?xf32> -> tensor<4x?xf32>
  %1 = attic.online_softmax <log_softmax> %x, axis = -1 : tensor<4x?xf32> -> tensor<4x?xf32>
  // CHECK: attic.two_pass_softmax <logsumexp> %[[X]], axis = 1 : tensor<4x?xf32> -> tensor<4xf32>
  %2 = attic.two_pass_softmax <logsumexp> %x, axis = 1 : tensor<4x?xf32> -> tensor<4xf32>
  // CHECK: attic.two_pass_softmax <logsumexp> %[[X]], axis = 0 {keep_dim} : tensor<4x?xf32> -> tensor<1x?xf32>
  %3 = attic.two_pass_softmax <logsumexp> %x, axis = 0 {keep_dim} : tensor<4x?xf32> -> tensor<1x?xf32>
  return
}
