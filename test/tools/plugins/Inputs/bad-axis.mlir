func.func @bad(%x: tensor<4x40xf32>) -> tensor<4x40xf32> {
  %y = attic.softmax %x, axis = 3 : tensor<4x40xf32>
  return %y : tensor<4x40xf32>
}
