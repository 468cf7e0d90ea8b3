func.func @softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %y = attic.softmax %x, axis = 1 : tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}

func.func @log_of_softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %y = attic.softmax %x, axis = 1 : tensor<2x5xf32>
  %z = math.log %y : tensor<2x5xf32>
  return %z : tensor<2x5xf32>
}

func.func @dynamic(%x: tensor<?x5xf32>) -> tensor<?x5xf32> {
  %y = attic.softmax %x, axis = 1 : tensor<?x5xf32>
  return %y : tensor<?x5xf32>
}

func.func @labels(%x: tensor<3x4xf32>, %y: tensor<3xi64>) -> tensor<3xf32> {
  %l = attic.cross_entropy %x, %y {reduction = #attic.reduction<none>} : tensor<3x4xf32>, tensor<3xi64> -> tensor<3xf32>
  return %l : tensor<3xf32>
}
