// A softmax over rows, compiled for an NVIDIA GPU by compile-cuda.test.
func.func @softmax_rows(%x: tensor<64x1000xf32>) -> tensor<64x1000xf32> {
  %y = attic.online_softmax <softmax> %x, axis = 1 : tensor<64x1000xf32> -> tensor<64x1000xf32>
  return %y : tensor<64x1000xf32>
}
