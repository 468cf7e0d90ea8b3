// attic-raise-tosa: TOSA's softmax and log-softmax spellings (TOSA has no
// softmax operator) become attic ops; near misses stay.
// RUN: attic-opt %s --attic-raise-tosa --split-input-file | FileCheck %s

// The stable spelling, as TensorFlow's legalization writes it.
// CHECK-LABEL: func.func @softmax
// CHECK-SAME:    (%[[X:.*]]: tensor<2x16xf32>)
// CHECK:         %[[S:.*]] = attic.softmax %[[X]], axis = 1 : tensor<2x16xf32>
// CHECK:         return %[[S]]
func.func @softmax(%x: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %m = tosa.reduce_max %x {axis = 1 : i32} : (tensor<2x16xf32>) -> tensor<2x1xf32>
  %t = tosa.sub %x, %m : (tensor<2x16xf32>, tensor<2x1xf32>) -> tensor<2x16xf32>
  %e = tosa.exp %t : (tensor<2x16xf32>) -> tensor<2x16xf32>
  %s = tosa.reduce_sum %e {axis = 1 : i32} : (tensor<2x16xf32>) -> tensor<2x1xf32>
  %r = tosa.reciprocal %s : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %y = tosa.mul %e, %r, %shift : (tensor<2x16xf32>, tensor<2x1xf32>, tensor<1xi8>) -> tensor<2x16xf32>
  return %y : tensor<2x16xf32>
}

// -----

// Without the maximum, reciprocal first, along axis 0: the attic op
// subtracts the maximum anyway.
// CHECK-LABEL: func.func @unstable_axis0
// CHECK:         attic.softmax %{{.*}}, axis = 0 : tensor<8x3xf16>
// CHECK-NOT:     tosa.exp
func.func @unstable_axis0(%x: tensor<8x3xf16>) -> tensor<8x3xf16> {
  %e = tosa.exp %x : (tensor<8x3xf16>) -> tensor<8x3xf16>
  %s = tosa.reduce_sum %e {axis = 0 : i32} : (tensor<8x3xf16>) -> tensor<1x3xf16>
  %r = tosa.reciprocal %s : (tensor<1x3xf16>) -> tensor<1x3xf16>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %y = tosa.mul %r, %e, %shift : (tensor<1x3xf16>, tensor<8x3xf16>, tensor<1xi8>) -> tensor<8x3xf16>
  return %y : tensor<8x3xf16>
}

// -----

// CHECK-LABEL: func.func @log_softmax
// CHECK-SAME:    (%[[X:.*]]: tensor<2x5x7xf32>)
// CHECK:         %[[L:.*]] = attic.log_softmax %[[X]], axis = 2 : tensor<2x5x7xf32>
// CHECK:         return %[[L]]
func.func @log_softmax(%x: tensor<2x5x7xf32>) -> tensor<2x5x7xf32> {
  %m = tosa.reduce_max %x {axis = 2 : i32} : (tensor<2x5x7xf32>) -> tensor<2x5x1xf32>
  %t = tosa.sub %x, %m : (tensor<2x5x7xf32>, tensor<2x5x1xf32>) -> tensor<2x5x7xf32>
  %e = tosa.exp %t : (tensor<2x5x7xf32>) -> tensor<2x5x7xf32>
  %s = tosa.reduce_sum %e {axis = 2 : i32} : (tensor<2x5x7xf32>) -> tensor<2x5x1xf32>
  %l = tosa.log %s : (tensor<2x5x1xf32>) -> tensor<2x5x1xf32>
  %y = tosa.sub %t, %l : (tensor<2x5x7xf32>, tensor<2x5x1xf32>) -> tensor<2x5x7xf32>
  return %y : tensor<2x5x7xf32>
}

// -----

// Near misses: the maximum along another axis than the sum (then x - max
// is the softmax input, not x); the exponential of one value summed with
// another's.
// CHECK-LABEL: func.func @near_misses
// CHECK:         %[[T:.*]] = tosa.sub
// CHECK:         attic.softmax %[[T]], axis = 1
// CHECK:         tosa.mul
// CHECK-NOT:     attic.
// CHECK:         return
func.func @near_misses(%x: tensor<4x6xf32>, %z: tensor<4x6xf32>) -> (tensor<4x6xf32>, tensor<4x6xf32>) {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.reduce_max %x {axis = 0 : i32} : (tensor<4x6xf32>) -> tensor<1x6xf32>
  %t = tosa.sub %x, %m : (tensor<4x6xf32>, tensor<1x6xf32>) -> tensor<4x6xf32>
  %e = tosa.exp %t : (tensor<4x6xf32>) -> tensor<4x6xf32>
  %s = tosa.reduce_sum %e {axis = 1 : i32} : (tensor<4x6xf32>) -> tensor<4x1xf32>
  %r = tosa.reciprocal %s : (tensor<4x1xf32>) -> tensor<4x1xf32>
  %y = tosa.mul %e, %r, %shift : (tensor<4x6xf32>, tensor<4x1xf32>, tensor<1xi8>) -> tensor<4x6xf32>
  %ez = tosa.exp %z : (tensor<4x6xf32>) -> tensor<4x6xf32>
  %y2 = tosa.mul %ez, %r, %shift : (tensor<4x6xf32>, tensor<4x1xf32>, tensor<1xi8>) -> tensor<4x6xf32>
  return %y, %y2 : tensor<4x6xf32>, tensor<4x6xf32>
}

// -----

// Batched matmuls around a softmax over the keys, K transposed by a
// transpose of its last two dimensions: attention. A transpose of other
// dimensions is no Kᵀ and stays.
// CHECK-LABEL: func.func @attention_kept
// CHECK-NOT: attic.attention
// CHECK: tosa.matmul
func.func @attention_kept(%q: tensor<2x4x8xf32>, %k: tensor<8x4x2xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %kt = tosa.transpose %k {perms = array<i32: 2, 0, 1>} : (tensor<8x4x2xf32>) -> tensor<2x8x4xf32>
  %s = tosa.matmul %q, %kt, %zp, %zp : (tensor<2x4x8xf32>, tensor<2x8x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4xf32>
  %e = tosa.exp %s : (tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %sum = tosa.reduce_sum %e {axis = 2 : i32} : (tensor<2x4x4xf32>) -> tensor<2x4x1xf32>
  %r = tosa.reciprocal %sum : (tensor<2x4x1xf32>) -> tensor<2x4x1xf32>
  %p = tosa.mul %e, %r, %shift : (tensor<2x4x4xf32>, tensor<2x4x1xf32>, tensor<1xi8>) -> tensor<2x4x4xf32>
  %o = tosa.matmul %p, %v, %zp, %zp : (tensor<2x4x4xf32>, tensor<2x4x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// A gather of the classes laid out as channels ([N, 1, C]) reads every
// class, not the label's; a sum scaled by other than 1/N is no mean (the
// sum is raised, the scaling stays).
// CHECK-LABEL: func.func @loss_near_misses
// CHECK:         tosa.gather
// CHECK:         %[[SUM:.*]] = attic.nll_loss %{{.*}}, %{{.*}} {reduction = #attic.reduction<sum>}
// CHECK:         %[[E:.*]] = tensor.expand_shape %[[SUM]]
// CHECK:         tosa.mul %[[E]]
func.func @loss_near_misses(%lp: tensor<8x6xf32>, %y: tensor<8xi32>) -> (tensor<8x1x6xf32>, tensor<1x1x1xf32>) {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %tenth = "tosa.const"() <{values = dense<0.1> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %sc = tosa.const_shape {values = dense<[8, 1, 6]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s3 = tosa.const_shape {values = dense<[8, 6, 1]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s2 = tosa.const_shape {values = dense<[8, 1]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %idx = tosa.reshape %y, %s2 : (tensor<8xi32>, !tosa.shape<2>) -> tensor<8x1xi32>
  %channels = tosa.reshape %lp, %sc : (tensor<8x6xf32>, !tosa.shape<3>) -> tensor<8x1x6xf32>
  %all = tosa.gather %channels, %idx : (tensor<8x1x6xf32>, tensor<8x1xi32>) -> tensor<8x1x6xf32>
  %neg_all = tosa.negate %all, %zp, %zp : (tensor<8x1x6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x1x6xf32>
  %lp3 = tosa.reshape %lp, %s3 : (tensor<8x6xf32>, !tosa.shape<3>) -> tensor<8x6x1xf32>
  %g = tosa.gather %lp3, %idx : (tensor<8x6x1xf32>, tensor<8x1xi32>) -> tensor<8x1x1xf32>
  %l = tosa.negate %g, %zp, %zp : (tensor<8x1x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x1x1xf32>
  %sum = tosa.reduce_sum %l {axis = 0 : i32} : (tensor<8x1x1xf32>) -> tensor<1x1x1xf32>
  %scaled = tosa.mul %sum, %tenth, %shift : (tensor<1x1x1xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<1x1x1xf32>
  return %neg_all, %scaled : tensor<8x1x6xf32>, tensor<1x1x1xf32>
}
