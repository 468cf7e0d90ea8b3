// attic-softmax-forms replaces the softmax family by the chosen form op,
// with the axis normalized and keep_dim carried over; other ops stay.
// RUN: attic-opt %s --attic-softmax-forms | FileCheck %s --check-prefixes=CHECK,ONLINE
// RUN: attic-opt %s --attic-softmax-forms=algorithm=online | FileCheck %s --check-prefixes=CHECK,ONLINE
// RUN: attic-opt %s --attic-softmax-forms=algorithm=two-pass | FileCheck %s --check-prefixes=CHECK,TWOPASS
// RUN: not attic-opt %s --attic-softmax-forms=algorithm=three-pass 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: for the --algorithm option: Cannot find option named 'three-pass'!

// CHECK-LABEL: func.func @family
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<4x8xf32>)
func.func @family(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x1xf32>, tensor<8xf32>) {
  // ONLINE: attic.online_softmax <softmax> %[[X]], axis = 1 : tensor<4x8xf32> -> tensor<4x8xf32>
  // TWOPASS: attic.two_pass_softmax <softmax> %[[X]], axis = 1 : tensor<4x8xf32> -> tensor<4x8xf32>
  %0 = attic.softmax %x, axis = -1 : tensor<4x8xf32>
  // ONLINE: attic.online_softmax <log_softmax> %[[X]], axis = 0 : tensor<4x8xf32> -> tensor<4x8xf32>
  // TWOPASS: attic.two_pass_softmax <log_softmax> %[[X]], axis = 0 : tensor<4x8xf32> -> tensor<4x8xf32>
  %1 = attic.log_softmax %x, axis = 0 : tensor<4x8xf32>
  // ONLINE: attic.online_softmax <logsumexp> %[[X]], axis = 1 {keep_dim} : tensor<4x8xf32> -> tensor<4x1xf32>
  // TWOPASS: attic.two_pass_softmax <logsumexp> %[[X]], axis = 1 {keep_dim} : tensor<4x8xf32> -> tensor<4x1xf32>
  %2 = attic.logsumexp %x, axis = 1 {keep_dim} : tensor<4x8xf32> -> tensor<4x1xf32>
  // ONLINE: attic.online_softmax <logsumexp> %[[X]], axis = 0 : tensor<4x8xf32> -> tensor<8xf32>
  %3 = attic.logsumexp %x, axis = -2 : tensor<4x8xf32> -> tensor<8xf32>
  // CHECK-NOT: attic.softmax
  // CHECK-NOT: attic.log_softmax
  // CHECK-NOT: attic.logsumexp
  return %0, %1, %2, %3 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x1xf32>, tensor<8xf32>
}

// CHECK-LABEL: func.func @other_ops_stay
// CHECK: attic.topk_softmax
func.func @other_ops_stay(%x: tensor<4x8xf32>) -> (tensor<4x2xf32>, tensor<4x2xi64>) {
  %v, %i = attic.topk_softmax %x, k = 2, axis = 1 : tensor<4x8xf32> -> tensor<4x2xf32>, tensor<4x2xi64>
  return %v, %i : tensor<4x2xf32>, tensor<4x2xi64>
}
