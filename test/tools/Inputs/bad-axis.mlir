func.func @f(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %0 = attic.softmax %x, axis = 3 : tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
