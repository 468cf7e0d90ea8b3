// Functions for --wide-reference: a gradient whose cut form can be made
// wrong on purpose, and f32 constants and conversions.

func.func @grad(%h: tensor<6x8xf32>, %c: tensor<17x8xf32>, %g: tensor<f32>) -> (tensor<6x8xf32>, tensor<17x8xf32>) {
  %y = arith.constant dense<[0, 3, 5, 16, 9, 2]> : tensor<6xi64>
  %dh, %dc = attic.linear_cross_entropy_grad %h, %c, %y, %g : tensor<6x8xf32>, tensor<17x8xf32>, tensor<6xi64>, tensor<f32> -> tensor<6x8xf32>, tensor<17x8xf32>
  return %dh, %dc : tensor<6x8xf32>, tensor<17x8xf32>
}

func.func @convert(%x: tensor<4xf32>) -> (tensor<4xf16>, tensor<4xf32>) {
  %k = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %e = tensor.empty() : tensor<4xf16>
  %f = tensor.empty() : tensor<4xf32>
  %r:2 = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%x, %k : tensor<4xf32>, tensor<4xf32>) outs(%e, %f : tensor<4xf16>, tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f16, %p: f32):
    %third = arith.constant 0.333333343 : f32
    %s = arith.mulf %a, %third : f32
    %t = arith.addf %s, %b : f32
    %h = arith.truncf %t : f32 to f16
    %d = arith.extf %t : f32 to f64
    %dd = arith.mulf %d, %d : f64
    %w = arith.truncf %dd : f64 to f32
    linalg.yield %h, %w : f16, f32
  } -> (tensor<4xf16>, tensor<4xf32>)
  return %r#0, %r#1 : tensor<4xf16>, tensor<4xf32>
}
