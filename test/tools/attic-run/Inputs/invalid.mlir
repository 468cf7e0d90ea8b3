func.func @f(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %y = attic.softmax %x, axis = 2 : tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}
