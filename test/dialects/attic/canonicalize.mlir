// Exact canonicalizations of the attic dialect.
// RUN: attic-opt %s --canonicalize --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @log_of_softmax
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<4x8xf32>)
func.func @log_of_softmax(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // CHECK: %[[R:.+]] = attic.log_softmax %[[X]], axis = 1 : tensor<4x8xf32>
  // CHECK-NOT: math.log
  // CHECK-NOT: attic.softmax
  // CHECK: return %[[R]]
  %p = attic.softmax %x, axis = -1 : tensor<4x8xf32>
  %l = math.log %p : tensor<4x8xf32>
  return %l : tensor<4x8xf32>
}

// -----

// The softmax stays when something else uses it.
// CHECK-LABEL: func.func @log_of_shared_softmax
func.func @log_of_shared_softmax(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  // CHECK-DAG: %[[P:.+]] = attic.softmax %{{.*}}, axis = 0
  // CHECK-DAG: %[[L:.+]] = attic.log_softmax %{{.*}}, axis = 0
  // CHECK: return %[[P]], %[[L]]
  %p = attic.softmax %x, axis = 0 : tensor<4x8xf32>
  %l = math.log %p : tensor<4x8xf32>
  return %p, %l : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func.func @exp_of_log_softmax
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<2x?x16xf16>)
func.func @exp_of_log_softmax(%x: tensor<2x?x16xf16>) -> tensor<2x?x16xf16> {
  // CHECK: %[[R:.+]] = attic.softmax %[[X]], axis = 2 : tensor<2x?x16xf16>
  // CHECK-NOT: math.exp
  // CHECK: return %[[R]]
  %l = attic.log_softmax %x, axis = -1 : tensor<2x?x16xf16>
  %e = math.exp %l : tensor<2x?x16xf16>
  return %e : tensor<2x?x16xf16>
}

// -----

// Other producers of math.log / math.exp are left alone.
// CHECK-LABEL: func.func @unrelated_log
func.func @unrelated_log(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: math.exp
  // CHECK: math.log
  %e = math.exp %x : tensor<4xf32>
  %l = math.log %e : tensor<4xf32>
  return %l : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @softmax_unit_axis
func.func @softmax_unit_axis(%x: tensor<4x1xf32>) -> tensor<4x1xf32> {
  // CHECK: %[[ONES:.+]] = arith.constant dense<1.000000e+00> : tensor<4x1xf32>
  // CHECK-NOT: attic.softmax
  // CHECK: return %[[ONES]]
  %p = attic.softmax %x, axis = 1 : tensor<4x1xf32>
  return %p : tensor<4x1xf32>
}

// -----

// CHECK-LABEL: func.func @softmax_unit_axis_dynamic
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<1x?xbf16>)
func.func @softmax_unit_axis_dynamic(%x: tensor<1x?xbf16>) -> tensor<1x?xbf16> {
  // CHECK-DAG: %[[ONE:.+]] = arith.constant 1.000000e+00 : bf16
  // CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
  // CHECK: %[[D:.+]] = tensor.dim %[[X]], %[[C1]]
  // CHECK: %[[S:.+]] = tensor.splat %[[ONE]][%[[D]]] : tensor<1x?xbf16>
  // CHECK: return %[[S]]
  %p = attic.softmax %x, axis = 0 : tensor<1x?xbf16>
  return %p : tensor<1x?xbf16>
}

// -----

// A softmax over a larger axis is kept.
// CHECK-LABEL: func.func @softmax_kept
func.func @softmax_kept(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // CHECK: attic.softmax %{{.*}}, axis = 1
  %p = attic.softmax %x, axis = -1 : tensor<1x4xf32>
  return %p : tensor<1x4xf32>
}

// -----

// CHECK-LABEL: func.func @log_softmax_unit_axis
func.func @log_softmax_unit_axis(%x: tensor<3x1x5xf16>) -> tensor<3x1x5xf16> {
  // CHECK: %[[Z:.+]] = arith.constant dense<0.000000e+00> : tensor<3x1x5xf16>
  // CHECK: return %[[Z]]
  %p = attic.log_softmax %x, axis = -2 : tensor<3x1x5xf16>
  return %p : tensor<3x1x5xf16>
}

// -----

// CHECK-LABEL: func.func @logsumexp_unit_axis
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<3x1x5xf32>)
func.func @logsumexp_unit_axis(%x: tensor<3x1x5xf32>) -> tensor<3x5xf32> {
  // CHECK: %[[R:.+]] = tensor.collapse_shape %[[X]] {{\[}}[0], [1, 2]] : tensor<3x1x5xf32> into tensor<3x5xf32>
  // CHECK: return %[[R]]
  %l = attic.logsumexp %x, axis = 1 : tensor<3x1x5xf32> -> tensor<3x5xf32>
  return %l : tensor<3x5xf32>
}

// -----

// CHECK-LABEL: func.func @logsumexp_unit_last_axis
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<?x1xf32>)
func.func @logsumexp_unit_last_axis(%x: tensor<?x1xf32>) -> tensor<?xf32> {
  // CHECK: %[[R:.+]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1]] : tensor<?x1xf32> into tensor<?xf32>
  // CHECK: return %[[R]]
  %l = attic.logsumexp %x, axis = -1 : tensor<?x1xf32> -> tensor<?xf32>
  return %l : tensor<?xf32>
}

// -----

// CHECK-LABEL: func.func @logsumexp_scalar
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<1xf64>)
func.func @logsumexp_scalar(%x: tensor<1xf64>) -> tensor<f64> {
  // CHECK: %[[R:.+]] = tensor.collapse_shape %[[X]] [] : tensor<1xf64> into tensor<f64>
  // CHECK: return %[[R]]
  %l = attic.logsumexp %x, axis = 0 : tensor<1xf64> -> tensor<f64>
  return %l : tensor<f64>
}

// -----

// With keep_dim the log-sum-exp of one element is the input itself.
// CHECK-LABEL: func.func @logsumexp_keep_dim
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<4x1xf32>)
func.func @logsumexp_keep_dim(%x: tensor<4x1xf32>) -> tensor<4x1xf32> {
  // CHECK-NEXT: return %[[X]]
  %l = attic.logsumexp %x, axis = 1 {keep_dim} : tensor<4x1xf32> -> tensor<4x1xf32>
  return %l : tensor<4x1xf32>
}

// -----

// Negative axes are normalized.
// CHECK-LABEL: func.func @normalize_axes
func.func @normalize_axes(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4xf32>, tensor<4x2xf32>, tensor<4x2xi64>) {
  // CHECK: attic.log_softmax %{{.*}}, axis = 1 :
  // CHECK: attic.logsumexp %{{.*}}, axis = 1 :
  // CHECK: attic.topk_softmax %{{.*}}, k = 2, axis = 1 :
  %0 = attic.log_softmax %x, axis = -1 : tensor<4x8xf32>
  %1 = attic.logsumexp %x, axis = -1 : tensor<4x8xf32> -> tensor<4xf32>
  %2, %3 = attic.topk_softmax %x, k = 2, axis = -1 : tensor<4x8xf32> -> tensor<4x2xf32>, tensor<4x2xi64>
  return %0, %1, %2, %3 : tensor<4x8xf32>, tensor<4xf32>, tensor<4x2xf32>, tensor<4x2xi64>
}

// -----

// The NLL of a log-softmax along the classes is the cross-entropy of its
// input, with the weights, ignore index and reduction kept.
// CHECK-LABEL: func.func @nll_of_log_softmax
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<4x10x3xf32>, %[[Y:[a-zA-Z0-9_]+]]: tensor<4x3xi64>, %[[W:[a-zA-Z0-9_]+]]: tensor<10xf32>)
func.func @nll_of_log_softmax(%x: tensor<4x10x3xf32>, %y: tensor<4x3xi64>,
                              %w: tensor<10xf32>) -> tensor<4x3xf32> {
  // CHECK: %[[L:.+]] = attic.cross_entropy %[[X]], %[[Y]] weights(%[[W]] : tensor<10xf32>) {ignore_index = -1 : i64, reduction = #attic.reduction<none>} : tensor<4x10x3xf32>, tensor<4x3xi64> -> tensor<4x3xf32>
  // CHECK-NOT: attic.log_softmax
  // CHECK-NOT: attic.nll_loss
  // CHECK: return %[[L]]
  %lp = attic.log_softmax %x, axis = 1 : tensor<4x10x3xf32>
  %l = attic.nll_loss %lp, %y weights(%w : tensor<10xf32>)
         {ignore_index = -1 : i64, reduction = #attic.reduction<none>}
         : tensor<4x10x3xf32>, tensor<4x3xi64> -> tensor<4x3xf32>
  return %l : tensor<4x3xf32>
}

// -----

// Along another axis it is no cross-entropy.
// CHECK-LABEL: func.func @nll_of_log_softmax_other_axis
func.func @nll_of_log_softmax_other_axis(%x: tensor<4x10x3xf32>, %y: tensor<4x3xi64>) -> tensor<f32> {
  // CHECK: attic.log_softmax
  // CHECK: attic.nll_loss
  // CHECK-NOT: attic.cross_entropy
  %lp = attic.log_softmax %x, axis = 2 : tensor<4x10x3xf32>
  %l = attic.nll_loss %lp, %y : tensor<4x10x3xf32>, tensor<4x3xi64> -> tensor<f32>
  return %l : tensor<f32>
}
