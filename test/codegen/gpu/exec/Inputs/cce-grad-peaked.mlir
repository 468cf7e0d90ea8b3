// Peaked logits (hidden scaled by 6) over 16 class tiles of the GPU kernel
// for 16 tokens, for cut-cross-entropy-grad.test.


func.func @peaked(%h: tensor<16x16xf32>, %w: tensor<1024x16xf32>, %y: tensor<16xi64>) -> (tensor<16x16xf32>, tensor<1024x16xf32>) {
  %e = tensor.empty() : tensor<16x16xf32>
  %hs = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%h : tensor<16x16xf32>) outs(%e : tensor<16x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.constant 6.0 : f32
    %m = arith.mulf %a, %s : f32
    linalg.yield %m : f32
  } -> tensor<16x16xf32>
  %g = arith.constant dense<1.0> : tensor<f32>
  %dh, %dw = attic.linear_cross_entropy_grad %hs, %w, %y, %g : tensor<16x16xf32>, tensor<1024x16xf32>, tensor<16xi64>, tensor<f32> -> tensor<16x16xf32>, tensor<1024x16xf32>
  return %dh, %dw : tensor<16x16xf32>, tensor<1024x16xf32>
}
