// Scores and weights of every kernel on one query (q = 1) and two keys
// (k = 0, 2) with values 1 and 3; expected values computed independently in
// double precision.
// RUN: attic-opt %s --attic-cpu-pipeline | %run_main | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)

func.func @print(%t: tensor<1x1x1x1xf32>) {
  %u = tensor.cast %t : tensor<1x1x1x1xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @main() {
  %q = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %k = arith.constant dense<[[[[0.0], [2.0]]]]> : tensor<1x1x2x1xf32>
  %v = arith.constant dense<[[[[1.0], [3.0]]]]> : tensor<1x1x2x1xf32>

  // softmax, scale 0.5: scores [0, 1].
  // CHECK: {{\[}}[2.46212]]
  %0 = attic.attention %q, %k, %v {scale = 0.5 : f64} : tensor<1x1x1x1xf32>, tensor<1x1x2x1xf32>, tensor<1x1x2x1xf32> -> tensor<1x1x1x1xf32>
  call @print(%0) : (tensor<1x1x1x1xf32>) -> ()

  // The default scale is 1/sqrt(D) = 1: scores [0, 2].
  // softcap 0.5 on scale 0.5: scores 0.5 * tanh([0, 2]).
  // CHECK: {{\[}}[2.23645]]
  %1 = attic.attention %q, %k, %v {scale = 0.5 : f64, softcap = 0.5 : f64} : tensor<1x1x1x1xf32>, tensor<1x1x2x1xf32>, tensor<1x1x2x1xf32> -> tensor<1x1x1x1xf32>
  call @print(%1) : (tensor<1x1x1x1xf32>) -> ()

  // softplus, l1-normalized: weights softplus([0, 2]).
  // CHECK: {{\[}}[2.50842]]
  %2 = attic.attention %q, %k, %v {kernel = #attic.kernel<softplus>} : tensor<1x1x1x1xf32>, tensor<1x1x2x1xf32>, tensor<1x1x2x1xf32> -> tensor<1x1x1x1xf32>
  call @print(%2) : (tensor<1x1x1x1xf32>) -> ()

  // relu feature map: weights [0, 2], so the output is v[1].
  // CHECK: {{\[}}[3]]
  %3 = attic.attention %q, %k, %v {kernel = #attic.kernel<relu>} : tensor<1x1x1x1xf32>, tensor<1x1x2x1xf32>, tensor<1x1x2x1xf32> -> tensor<1x1x1x1xf32>
  call @print(%3) : (tensor<1x1x1x1xf32>) -> ()

  // elu + 1: phi(q) = 2, phi(k) = [1, 3], weights [2, 6].
  // CHECK: {{\[}}[2.5]]
  %4 = attic.attention %q, %k, %v {kernel = #attic.kernel<elu_plus_one>} : tensor<1x1x1x1xf32>, tensor<1x1x2x1xf32>, tensor<1x1x2x1xf32> -> tensor<1x1x1x1xf32>
  call @print(%4) : (tensor<1x1x1x1xf32>) -> ()

  // gaussian, unnormalized: |q - k|^2 = [1, 1], weights exp(-1/2).
  // CHECK: {{\[}}[2.42612]]
  %5 = attic.attention %q, %k, %v {kernel = #attic.kernel<gaussian>} : tensor<1x1x1x1xf32>, tensor<1x1x2x1xf32>, tensor<1x1x2x1xf32> -> tensor<1x1x1x1xf32>
  call @print(%5) : (tensor<1x1x1x1xf32>) -> ()
  return
}
