// An op that needs f32 itself: the reference cannot be widened.

func.func @bits(%x: tensor<4xf32>) -> tensor<4xi32> {
  %b = arith.bitcast %x : tensor<4xf32> to tensor<4xi32>
  return %b : tensor<4xi32>
}
