// Top-k softmax worked by hand. Row 0 = [1, 3, 3, 0, 2]: sum of exps
// e + 2e^3 + 1 + e^2 = 51.2784, so p(3) = 20.0855 / 51.2784 = 0.391696 (twice,
// the tie taken lower index first) and p(2) = 7.38906 / 51.2784 = 0.144097.
// Row 1 is all -inf: zeros. Row 2 = [-inf, 5, -inf, 1, -inf]:
// p(5) = 1 / (1 + e^-4) = 0.982014, p(1) = 0.0179862, then a -inf (index 0).
// Renormalized over two: row 0 gives 0.5 and 0.5. Along axis 0, column 1 is
// [3, -inf, 5]: p(5) = 1 / (1 + e^-2) = 0.880797.
// RUN: attic-opt %s --attic-cpu-pipeline | %run_main | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI64(tensor<*xi64>)
func.func @main() {
  %x = arith.constant dense<[[1.0, 3.0, 3.0, 0.0, 2.0], [0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0xFF800000, 5.0, 0xFF800000, 1.0, 0xFF800000]]> : tensor<3x5xf32>
  %v, %i = attic.topk_softmax %x, k = 3, axis = 1 : tensor<3x5xf32> -> tensor<3x3xf32>, tensor<3x3xi64>
  %v2, %i2 = attic.topk_softmax %x, k = 2, axis = -1 {renormalize} : tensor<3x5xf32> -> tensor<3x2xf32>, tensor<3x2xi64>
  %v3, %i3 = attic.topk_softmax %x, k = 1, axis = 0 : tensor<3x5xf32> -> tensor<1x5xf32>, tensor<1x5xi64>
  %a = tensor.cast %v : tensor<3x3xf32> to tensor<*xf32>
  %b = tensor.cast %i : tensor<3x3xi64> to tensor<*xi64>
  %c = tensor.cast %v2 : tensor<3x2xf32> to tensor<*xf32>
  %d = tensor.cast %i2 : tensor<3x2xi64> to tensor<*xi64>
  %e = tensor.cast %v3 : tensor<1x5xf32> to tensor<*xf32>
  %f = tensor.cast %i3 : tensor<1x5xi64> to tensor<*xi64>
  call @printMemrefF32(%a) : (tensor<*xf32>) -> ()
  call @printMemrefI64(%b) : (tensor<*xi64>) -> ()
  call @printMemrefF32(%c) : (tensor<*xf32>) -> ()
  call @printMemrefI64(%d) : (tensor<*xi64>) -> ()
  call @printMemrefF32(%e) : (tensor<*xf32>) -> ()
  call @printMemrefI64(%f) : (tensor<*xi64>) -> ()
  // CHECK: [0.391696, 0.391696, 0.144097]
  // CHECK-NEXT: [0, 0, 0]
  // CHECK-NEXT: [0.982014, 0.0179862, 0]
  // CHECK: [1, 2, 4]
  // CHECK-NEXT: [0, 1, 2]
  // CHECK-NEXT: [1, 3, 0]
  // CHECK: [0.5, 0.5]
  // CHECK-NEXT: [0, 0]
  // CHECK-NEXT: [0.982014, 0.0179862]
  // CHECK: [1, 2]
  // CHECK-NEXT: [0, 1]
  // CHECK-NEXT: [1, 3]
  // CHECK: [1, 0.880797, 1, 0.731059, 1]
  // CHECK: [0, 2, 0, 2, 0]
  return
}
