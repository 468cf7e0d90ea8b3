// Attention as a TOSA frontend spells it: batched matmuls (one head per
// batch entry), a transpose of K, the scale as a mul by a constant, a float
// mask added, the softmax written out.
func.func @attention(%q: tensor<3x5x8xf32>, %k: tensor<3x7x8xf32>, %v: tensor<3x7x4xf32>, %mask: tensor<1x5x7xf32>) -> tensor<3x5x4xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %c = "tosa.const"() <{values = dense<0.35355339> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %kt = tosa.transpose %k {perms = array<i32: 0, 2, 1>} : (tensor<3x7x8xf32>) -> tensor<3x8x7xf32>
  %s = tosa.matmul %q, %kt, %zp, %zp : (tensor<3x5x8xf32>, tensor<3x8x7xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<3x5x7xf32>
  %scaled = tosa.mul %s, %c, %shift : (tensor<3x5x7xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<3x5x7xf32>
  %masked = tosa.add %scaled, %mask : (tensor<3x5x7xf32>, tensor<1x5x7xf32>) -> tensor<3x5x7xf32>
  %m = tosa.reduce_max %masked {axis = 2 : i32} : (tensor<3x5x7xf32>) -> tensor<3x5x1xf32>
  %t = tosa.sub %masked, %m : (tensor<3x5x7xf32>, tensor<3x5x1xf32>) -> tensor<3x5x7xf32>
  %e = tosa.exp %t : (tensor<3x5x7xf32>) -> tensor<3x5x7xf32>
  %sum = tosa.reduce_sum %e {axis = 2 : i32} : (tensor<3x5x7xf32>) -> tensor<3x5x1xf32>
  %r = tosa.reciprocal %sum : (tensor<3x5x1xf32>) -> tensor<3x5x1xf32>
  %p = tosa.mul %e, %r, %shift : (tensor<3x5x7xf32>, tensor<3x5x1xf32>, tensor<1xi8>) -> tensor<3x5x7xf32>
  %o = tosa.matmul %p, %v, %zp, %zp : (tensor<3x5x7xf32>, tensor<3x7x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<3x5x4xf32>
  return %o : tensor<3x5x4xf32>
}
