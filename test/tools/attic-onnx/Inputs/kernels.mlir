// Functions compiled ahead of time and called from C by compile.test.

// Rows of 37: the vectorized loop has a masked tail.
func.func @softmax_rows(%x: tensor<3x37xf32>) -> tensor<3x37xf32> {
  %y = attic.softmax %x, axis = 1 : tensor<3x37xf32>
  return %y : tensor<3x37xf32>
}

// Two results, one of them rank 0, and a dynamic batch.
func.func @loss_and_lse(%x: tensor<?x10xf32>, %labels: tensor<?xi64>) -> (tensor<f32>, tensor<?xf32>) {
  %loss = attic.cross_entropy %x, %labels : tensor<?x10xf32>, tensor<?xi64> -> tensor<f32>
  %lse = attic.logsumexp %x, axis = 1 : tensor<?x10xf32> -> tensor<?xf32>
  return %loss, %lse : tensor<f32>, tensor<?xf32>
}

// Private: no entry point.
func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
