func.func @softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %y = attic.softmax %x, axis = 1 : tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}

func.func @log_softmax(%x: tensor<3x40xf32>) -> tensor<3x40xf32> {
  %y = attic.log_softmax %x, axis = 1 : tensor<3x40xf32>
  return %y : tensor<3x40xf32>
}

func.func private @not_run(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}
