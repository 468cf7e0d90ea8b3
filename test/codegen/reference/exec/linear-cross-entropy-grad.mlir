// attic.linear_cross_entropy_grad against central finite differences of the
// naive float64 loss (test/utils/naive.py): mean with ignored labels; the
// per-token loss with bias, softcap, weights, label smoothing, z_loss and a
// given lse; sum with bias, weights, smoothing and z_loss; mean with
// weights, an ignored class index, smoothing, softcap and a given lse.
// RUN: rm -rf %t
// RUN: %naive lce_grad_mean %t/a && attic-run %s --function=grad_mean --data-set=%t/a | FileCheck %s --check-prefixes=CHECK,TWO
// RUN: %naive lce_grad_full %t/b && attic-run %s --function=grad_full --data-set=%t/b | FileCheck %s --check-prefixes=CHECK,THREE
// RUN: %naive lce_grad_sum %t/c && attic-run %s --function=grad_sum --data-set=%t/c | FileCheck %s --check-prefixes=CHECK,THREE
// RUN: %naive lce_grad_mean_weights %t/d && attic-run %s --function=grad_mean_weights --data-set=%t/d | FileCheck %s --check-prefixes=CHECK,TWO

// CHECK: result 0 vs {{.*}}output_0.npy: {{.*}}: ok
// CHECK: result 1 vs {{.*}}output_1.npy: {{.*}}: ok
// THREE: result 2 vs {{.*}}output_2.npy: {{.*}}: ok
// TWO-NOT: result 2

func.func @grad_mean(%h: tensor<6x8xf32>, %c: tensor<17x8xf32>, %y: tensor<6xi64>, %g: tensor<f32>) -> (tensor<6x8xf32>, tensor<17x8xf32>) {
  %dh, %dc = attic.linear_cross_entropy_grad %h, %c, %y, %g {ignore_index = -100 : i64} : tensor<6x8xf32>, tensor<17x8xf32>, tensor<6xi64>, tensor<f32> -> tensor<6x8xf32>, tensor<17x8xf32>
  return %dh, %dc : tensor<6x8xf32>, tensor<17x8xf32>
}

func.func @grad_full(%h: tensor<5x8xf32>, %c: tensor<16x8xf32>, %y: tensor<5xi64>, %b: tensor<16xf32>, %w: tensor<16xf32>, %g: tensor<5xf32>, %lse: tensor<5xf32>) -> (tensor<5x8xf32>, tensor<16x8xf32>, tensor<16xf32>) {
  %dh, %dc, %db = attic.linear_cross_entropy_grad %h, %c, %y, %g bias(%b : tensor<16xf32>) weights(%w : tensor<16xf32>) lse(%lse : tensor<5xf32>) {softcap = 3.0, reduction = #attic.reduction<none>, label_smoothing = 0.1, z_loss = 1.0e-3} : tensor<5x8xf32>, tensor<16x8xf32>, tensor<5xi64>, tensor<5xf32> -> tensor<5x8xf32>, tensor<16x8xf32>, tensor<16xf32>
  return %dh, %dc, %db : tensor<5x8xf32>, tensor<16x8xf32>, tensor<16xf32>
}

func.func @grad_sum(%h: tensor<7x4xf32>, %c: tensor<11x4xf32>, %y: tensor<7xi64>, %b: tensor<11xf32>, %w: tensor<11xf32>, %g: tensor<f32>) -> (tensor<7x4xf32>, tensor<11x4xf32>, tensor<11xf32>) {
  %dh, %dc, %db = attic.linear_cross_entropy_grad %h, %c, %y, %g bias(%b : tensor<11xf32>) weights(%w : tensor<11xf32>) {reduction = #attic.reduction<sum>, label_smoothing = 0.2, z_loss = 1.0e-2} : tensor<7x4xf32>, tensor<11x4xf32>, tensor<7xi64>, tensor<f32> -> tensor<7x4xf32>, tensor<11x4xf32>, tensor<11xf32>
  return %dh, %dc, %db : tensor<7x4xf32>, tensor<11x4xf32>, tensor<11xf32>
}

func.func @grad_mean_weights(%h: tensor<9x5xf32>, %c: tensor<13x5xf32>, %y: tensor<9xi64>, %w: tensor<13xf32>, %g: tensor<f32>, %lse: tensor<9xf32>) -> (tensor<9x5xf32>, tensor<13x5xf32>) {
  %dh, %dc = attic.linear_cross_entropy_grad %h, %c, %y, %g weights(%w : tensor<13xf32>) lse(%lse : tensor<9xf32>) {ignore_index = 3 : i64, softcap = 2.0, label_smoothing = 0.05} : tensor<9x5xf32>, tensor<13x5xf32>, tensor<9xi64>, tensor<f32> -> tensor<9x5xf32>, tensor<13x5xf32>
  return %dh, %dc : tensor<9x5xf32>, tensor<13x5xf32>
}
