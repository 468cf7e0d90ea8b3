// Numbers of the reference softmax family on the CPU, against values computed
// independently (double precision, printed to printMemrefF32's 6 digits).
// RUN: attic-opt %s --attic-cpu-pipeline | %run_main | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)

func.func @print(%t: tensor<?x?xf32>) {
  %u = tensor.cast %t : tensor<?x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @print1(%t: tensor<?xf32>) {
  %u = tensor.cast %t : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @main() {
  // Row 0: ordinary; row 1: all -inf (defined: zeros, not NaN); row 2: +-1e4.
  %x = arith.constant dense<[[1.0, 2.0, 3.0],
                             [0xFF800000, 0xFF800000, 0xFF800000],
                             [1.0e4, -1.0e4, 1.0e4]]> : tensor<3x3xf32>
  %xd = tensor.cast %x : tensor<3x3xf32> to tensor<?x?xf32>

  // CHECK: [0.0900306, 0.244728, 0.665241]
  // CHECK-NEXT: [0, 0, 0]
  // CHECK-NEXT: [0.5, 0, 0.5]
  %s = attic.softmax %xd, axis = -1 : tensor<?x?xf32>
  call @print(%s) : (tensor<?x?xf32>) -> ()

  // CHECK: [-2.40761, -1.40761, -0.407606]
  // CHECK-NEXT: [-inf, -inf, -inf]
  // CHECK-NEXT: [-0.693147, -20000.7, -0.693147]
  %l = attic.log_softmax %xd, axis = 1 : tensor<?x?xf32>
  call @print(%l) : (tensor<?x?xf32>) -> ()

  // CHECK: [3.40761, -inf, 10000.7]
  %e = attic.logsumexp %xd, axis = 1 : tensor<?x?xf32> -> tensor<?xf32>
  call @print1(%e) : (tensor<?xf32>) -> ()

  // Along axis 0, with keep_dim.
  %c = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %cd = tensor.cast %c : tensor<2x3xf32> to tensor<?x?xf32>
  // CHECK: [0.0474259, 0.0474259, 0.0474259]
  // CHECK-NEXT: [0.952574, 0.952574, 0.952574]
  %s0 = attic.softmax %cd, axis = 0 : tensor<?x?xf32>
  call @print(%s0) : (tensor<?x?xf32>) -> ()
  // CHECK: [4.04859, 5.04859, 6.04859]
  %k = attic.logsumexp %cd, axis = 0 {keep_dim} : tensor<?x?xf32> -> tensor<?x?xf32>
  call @print(%k) : (tensor<?x?xf32>) -> ()
  return
}
