func.func @exp(%x: tensor<1048576xf32>) -> tensor<1048576xf32> {
  %y = math.exp %x : tensor<1048576xf32>
  return %y : tensor<1048576xf32>
}
