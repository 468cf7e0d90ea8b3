// The negative log-likelihood as a TOSA frontend spells it: the label's
// log-probability read by tosa.gather (log-probabilities [N, C] as
// [N, C, 1], labels [N] as [N, 1]), negated; per token, summed over the
// tokens, or their mean (the sum times 1/N). Of a log-softmax written out it
// is cross-entropy.
func.func @nll_none(%lp: tensor<16x12xf32>, %y: tensor<16xi32>) -> tensor<16x1x1xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %s3 = tosa.const_shape {values = dense<[16, 12, 1]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s2 = tosa.const_shape {values = dense<[16, 1]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %lp3 = tosa.reshape %lp, %s3 : (tensor<16x12xf32>, !tosa.shape<3>) -> tensor<16x12x1xf32>
  %idx = tosa.reshape %y, %s2 : (tensor<16xi32>, !tosa.shape<2>) -> tensor<16x1xi32>
  %g = tosa.gather %lp3, %idx : (tensor<16x12x1xf32>, tensor<16x1xi32>) -> tensor<16x1x1xf32>
  %l = tosa.negate %g, %zp, %zp : (tensor<16x1x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<16x1x1xf32>
  return %l : tensor<16x1x1xf32>
}

func.func @nll_sum(%lp: tensor<16x12xf32>, %y: tensor<16xi32>) -> tensor<1x1x1xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %s3 = tosa.const_shape {values = dense<[16, 12, 1]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s2 = tosa.const_shape {values = dense<[16, 1]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %lp3 = tosa.reshape %lp, %s3 : (tensor<16x12xf32>, !tosa.shape<3>) -> tensor<16x12x1xf32>
  %idx = tosa.reshape %y, %s2 : (tensor<16xi32>, !tosa.shape<2>) -> tensor<16x1xi32>
  %g = tosa.gather %lp3, %idx : (tensor<16x12x1xf32>, tensor<16x1xi32>) -> tensor<16x1x1xf32>
  %l = tosa.negate %g, %zp, %zp : (tensor<16x1x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<16x1x1xf32>
  %sum = tosa.reduce_sum %l {axis = 0 : i32} : (tensor<16x1x1xf32>) -> tensor<1x1x1xf32>
  return %sum : tensor<1x1x1xf32>
}

func.func @cross_entropy_mean(%x: tensor<16x12xf32>, %y: tensor<16xi32>) -> tensor<1x1x1xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %inv_n = "tosa.const"() <{values = dense<0.0625> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %m = tosa.reduce_max %x {axis = 1 : i32} : (tensor<16x12xf32>) -> tensor<16x1xf32>
  %t = tosa.sub %x, %m : (tensor<16x12xf32>, tensor<16x1xf32>) -> tensor<16x12xf32>
  %e = tosa.exp %t : (tensor<16x12xf32>) -> tensor<16x12xf32>
  %se = tosa.reduce_sum %e {axis = 1 : i32} : (tensor<16x12xf32>) -> tensor<16x1xf32>
  %log = tosa.log %se : (tensor<16x1xf32>) -> tensor<16x1xf32>
  %lp = tosa.sub %t, %log : (tensor<16x12xf32>, tensor<16x1xf32>) -> tensor<16x12xf32>
  %s3 = tosa.const_shape {values = dense<[16, 12, 1]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s2 = tosa.const_shape {values = dense<[16, 1]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %lp3 = tosa.reshape %lp, %s3 : (tensor<16x12xf32>, !tosa.shape<3>) -> tensor<16x12x1xf32>
  %idx = tosa.reshape %y, %s2 : (tensor<16xi32>, !tosa.shape<2>) -> tensor<16x1xi32>
  %g = tosa.gather %lp3, %idx : (tensor<16x12x1xf32>, tensor<16x1xi32>) -> tensor<16x1x1xf32>
  %l = tosa.negate %g, %zp, %zp : (tensor<16x1x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<16x1x1xf32>
  %sum = tosa.reduce_sum %l {axis = 0 : i32} : (tensor<16x1x1xf32>) -> tensor<1x1x1xf32>
  %mean = tosa.mul %sum, %inv_n, %shift : (tensor<1x1x1xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<1x1x1xf32>
  return %mean : tensor<1x1x1xf32>
}
