func.func @soft(%x: tensor<1x2x256x8xf32>, %v: tensor<1x2x256x4xf32>) -> tensor<1x2x256x4xf32> {
  %o = attic.attention %x, %x, %v {kernel = #attic.kernel<gaussian>, scale = 1.0} : tensor<1x2x256x8xf32>, tensor<1x2x256x8xf32>, tensor<1x2x256x4xf32> -> tensor<1x2x256x4xf32>
  return %o : tensor<1x2x256x4xf32>
}
