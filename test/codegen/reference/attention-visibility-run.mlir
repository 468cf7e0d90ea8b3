// Which keys each query sees. With q = 0 every visible key gets the same
// weight, so each output row is the mean of the visible values; v[j] is
// [j+1, 10(j+1)], so the means can be read off by hand.
// RUN: attic-opt %s --attic-cpu-pipeline | %run_main | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)

func.func @print(%t: tensor<?x?x?x?xf32>) {
  %u = tensor.cast %t : tensor<?x?x?x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @main() {
  %k = arith.constant dense<1.0> : tensor<1x1x4x2xf32>
  %v = arith.constant dense<[[[[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0]]]]> : tensor<1x1x4x2xf32>
  %q2 = arith.constant dense<0.0> : tensor<1x1x2x2xf32>
  %q4 = arith.constant dense<0.0> : tensor<1x1x4x2xf32>

  // Causal, bottom-right aligned: 2 queries after 2 cached keys (off = 2),
  // so query 0 sees keys 0..2 and query 1 sees keys 0..3.
  // CHECK: [2, 20]
  // CHECK-NEXT: [2.5, 25]
  %r0 = attic.attention %q2, %k, %v {causal} : tensor<1x1x2x2xf32>, tensor<1x1x4x2xf32>, tensor<1x1x4x2xf32> -> tensor<1x1x2x2xf32>
  %r0d = tensor.cast %r0 : tensor<1x1x2x2xf32> to tensor<?x?x?x?xf32>
  call @print(%r0d) : (tensor<?x?x?x?xf32>) -> ()

  // Causal with a left window of 1: query i sees keys i-1..i.
  // CHECK: [1, 10]
  // CHECK-NEXT: [1.5, 15]
  // CHECK-NEXT: [2.5, 25]
  // CHECK-NEXT: [3.5, 35]
  %r1 = attic.attention %q4, %k, %v {causal, left_window = 1 : i64} : tensor<1x1x4x2xf32>, tensor<1x1x4x2xf32>, tensor<1x1x4x2xf32> -> tensor<1x1x4x2xf32>
  %r1d = tensor.cast %r1 : tensor<1x1x4x2xf32> to tensor<?x?x?x?xf32>
  call @print(%r1d) : (tensor<?x?x?x?xf32>) -> ()

  // Windows without causal: query i sees keys i..i+1.
  // CHECK: [1.5, 15]
  // CHECK-NEXT: [2.5, 25]
  // CHECK-NEXT: [3.5, 35]
  // CHECK-NEXT: [4, 40]
  %r2 = attic.attention %q4, %k, %v {left_window = 0 : i64, right_window = 1 : i64} : tensor<1x1x4x2xf32>, tensor<1x1x4x2xf32>, tensor<1x1x4x2xf32> -> tensor<1x1x4x2xf32>
  %r2d = tensor.cast %r2 : tensor<1x1x4x2xf32> to tensor<?x?x?x?xf32>
  call @print(%r2d) : (tensor<?x?x?x?xf32>) -> ()

  // i1 mask (true = attend); the second query sees nothing and gives 0.
  // CHECK: [2, 20]
  // CHECK-NEXT: [0, 0]
  %m = arith.constant dense<[[true, false, true, false], [false, false, false, false]]> : tensor<2x4xi1>
  %r3 = attic.attention %q2, %k, %v mask(%m : tensor<2x4xi1>) : tensor<1x1x2x2xf32>, tensor<1x1x4x2xf32>, tensor<1x1x4x2xf32> -> tensor<1x1x2x2xf32>
  %r3d = tensor.cast %r3 : tensor<1x1x2x2xf32> to tensor<?x?x?x?xf32>
  call @print(%r3d) : (tensor<?x?x?x?xf32>) -> ()

  // Additive float mask with -inf, broadcast over the queries.
  // CHECK: [3.5, 35]
  // CHECK-NEXT: [3.5, 35]
  %f = arith.constant dense<[[0xFF800000, 0xFF800000, 0.0, 0.0]]> : tensor<1x4xf32>
  %r4 = attic.attention %q2, %k, %v mask(%f : tensor<1x4xf32>) : tensor<1x1x2x2xf32>, tensor<1x1x4x2xf32>, tensor<1x1x4x2xf32> -> tensor<1x1x2x2xf32>
  %r4d = tensor.cast %r4 : tensor<1x1x2x2xf32> to tensor<?x?x?x?xf32>
  call @print(%r4d) : (tensor<?x?x?x?xf32>) -> ()

  // kv_lengths [2, 3] with causal and one query: off = L - 1, so batch 0
  // sees keys 0..1 and batch 1 keys 0..2.
  // CHECK: {{\[}}[1.5, 15]]]
  // CHECK: {{\[}}[2, 20]]]]
  %qb = arith.constant dense<0.0> : tensor<2x1x1x2xf32>
  %kb = arith.constant dense<1.0> : tensor<2x1x4x2xf32>
  %vb = tensor.concat dim(0) %v, %v : (tensor<1x1x4x2xf32>, tensor<1x1x4x2xf32>) -> tensor<2x1x4x2xf32>
  %len = arith.constant dense<[2, 3]> : tensor<2xi64>
  %r5 = attic.attention %qb, %kb, %vb kv_lengths(%len : tensor<2xi64>) {causal} : tensor<2x1x1x2xf32>, tensor<2x1x4x2xf32>, tensor<2x1x4x2xf32> -> tensor<2x1x1x2xf32>
  %r5d = tensor.cast %r5 : tensor<2x1x1x2xf32> to tensor<?x?x?x?xf32>
  call @print(%r5d) : (tensor<?x?x?x?xf32>) -> ()

  // Grouped-query heads: 4 query heads on 2 kv heads; query heads 0, 1 read
  // kv head 0 (values 1) and heads 2, 3 read kv head 1 (values 2).
  // CHECK: {{\[}}[1]],
  // CHECK-NEXT: {{\[}}[1]],
  // CHECK-NEXT: {{\[}}[2]],
  // CHECK-NEXT: {{\[}}[2]]]]
  %qg = arith.constant dense<0.0> : tensor<1x4x1x1xf32>
  %kg = arith.constant dense<1.0> : tensor<1x2x3x1xf32>
  %vg = arith.constant dense<[[[[1.0], [1.0], [1.0]], [[2.0], [2.0], [2.0]]]]> : tensor<1x2x3x1xf32>
  %r6 = attic.attention %qg, %kg, %vg : tensor<1x4x1x1xf32>, tensor<1x2x3x1xf32>, tensor<1x2x3x1xf32> -> tensor<1x4x1x1xf32>
  %r6d = tensor.cast %r6 : tensor<1x4x1x1xf32> to tensor<?x?x?x?xf32>
  call @print(%r6d) : (tensor<?x?x?x?xf32>) -> ()
  return
}
