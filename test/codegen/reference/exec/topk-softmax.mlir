// attic.topk_softmax against the naive float64 reference: ties (the lower
// index first), rows that are entirely or mostly -inf, renormalize, and a
// leading axis. Both results are checked: values and indices.
// RUN: rm -rf %t
// RUN: %naive topk_rows %t/a && attic-run %s --function=topk_rows --data-set=%t/a | FileCheck %s
// RUN: %naive topk_renormalize %t/b && attic-run %s --function=topk_renormalize --data-set=%t/b | FileCheck %s
// RUN: %naive topk_axis0 %t/c && attic-run %s --function=topk_axis0 --data-set=%t/c | FileCheck %s

// CHECK: result 0 vs {{.*}}output_0.npy: {{.*}}: ok
// CHECK: result 1 vs {{.*}}output_1.npy: {{.*}}: ok

func.func @topk_rows(%x: tensor<5x9xf32>) -> (tensor<5x4xf32>, tensor<5x4xi64>) {
  %v, %i = attic.topk_softmax %x, k = 4, axis = 1 : tensor<5x9xf32> -> tensor<5x4xf32>, tensor<5x4xi64>
  return %v, %i : tensor<5x4xf32>, tensor<5x4xi64>
}

func.func @topk_renormalize(%x: tensor<6x8xf32>) -> (tensor<6x2xf32>, tensor<6x2xi64>) {
  %v, %i = attic.topk_softmax %x, k = 2, axis = -1 {renormalize} : tensor<6x8xf32> -> tensor<6x2xf32>, tensor<6x2xi64>
  return %v, %i : tensor<6x2xf32>, tensor<6x2xi64>
}

func.func @topk_axis0(%x: tensor<7x3x2xf32>) -> (tensor<3x3x2xf32>, tensor<3x3x2xi64>) {
  %v, %i = attic.topk_softmax %x, k = 3, axis = 0 : tensor<7x3x2xf32> -> tensor<3x3x2xf32>, tensor<3x3x2xi64>
  return %v, %i : tensor<3x3x2xf32>, tensor<3x3x2xi64>
}
