// attic.spherical_z_loss and attic.linear_spherical_z_loss against the naive
// float64 loss (test/utils/naive.py):
//   none: class weights, ignored labels, a row of equal logits (std 0, so
//     zhat = 0) and a row sharing an offset of 1e4, which must cancel;
//   mean with an ignored class index, a = 0.1, b = 20 (the paper's regime);
//   sum over spatial positions [N, C, d1, d2] with weights, b < 0;
//   linear: bias, softcap, weights, ignored labels, mean.
// RUN: rm -rf %t
// RUN: %naive sz_none %t/none && attic-run %s --function=none --data-set=%t/none | FileCheck %s
// RUN: %naive sz_mean %t/mean && attic-run %s --function=mean --data-set=%t/mean | FileCheck %s
// RUN: %naive sz_spatial %t/spatial && attic-run %s --function=spatial --data-set=%t/spatial | FileCheck %s
// RUN: %naive lsz %t/linear && attic-run %s --function=linear --data-set=%t/linear | FileCheck %s

// CHECK: result 0 vs {{.*}}output_0.npy: {{.*}}: ok

func.func @none(%x: tensor<6x11xf32>, %y: tensor<6xi64>, %w: tensor<11xf32>) -> tensor<6xf32> {
  %l = attic.spherical_z_loss %x, %y weights(%w : tensor<11xf32>) {a = 0.5, b = 2.0, reduction = #attic.reduction<none>, ignore_index = -100 : i64} : tensor<6x11xf32>, tensor<6xi64> -> tensor<6xf32>
  return %l : tensor<6xf32>
}

func.func @mean(%x: tensor<5x9xf32>, %y: tensor<5xi64>) -> tensor<f32> {
  %l = attic.spherical_z_loss %x, %y {a = 0.1, b = 20.0, ignore_index = 3 : i64} : tensor<5x9xf32>, tensor<5xi64> -> tensor<f32>
  return %l : tensor<f32>
}

func.func @spatial(%x: tensor<3x5x2x4xf32>, %y: tensor<3x2x4xi64>, %w: tensor<5xf32>) -> tensor<f32> {
  %l = attic.spherical_z_loss %x, %y weights(%w : tensor<5xf32>) {a = 2.0, b = -1.0, reduction = #attic.reduction<sum>} : tensor<3x5x2x4xf32>, tensor<3x2x4xi64> -> tensor<f32>
  return %l : tensor<f32>
}

func.func @linear(%h: tensor<7x8xf32>, %c: tensor<19x8xf32>, %y: tensor<7xi64>, %b: tensor<19xf32>, %w: tensor<19xf32>) -> tensor<f32> {
  %l = attic.linear_spherical_z_loss %h, %c, %y bias(%b : tensor<19xf32>) weights(%w : tensor<19xf32>) {softcap = 3.0, a = 0.7, b = 1.5, ignore_index = -100 : i64} : tensor<7x8xf32>, tensor<19x8xf32>, tensor<7xi64> -> tensor<f32>
  return %l : tensor<f32>
}

// The gradient against central finite differences of the naive loss:
// per token with bias, weights and ignored labels; mean with a softcap,
// weights and an ignored class index; sum with bias and a softcap.
// RUN: %naive lsz_grad_none %t/dnone && attic-run %s --function=grad_none --data-set=%t/dnone | FileCheck %s --check-prefixes=CHECK,GRAD,BIAS
// RUN: %naive lsz_grad_mean %t/dmean && attic-run %s --function=grad_mean --data-set=%t/dmean | FileCheck %s --check-prefixes=CHECK,GRAD
// RUN: %naive lsz_grad_sum %t/dsum && attic-run %s --function=grad_sum --data-set=%t/dsum | FileCheck %s --check-prefixes=CHECK,GRAD,BIAS

// GRAD: result 1 vs {{.*}}output_1.npy: {{.*}}: ok
// BIAS: result 2 vs {{.*}}output_2.npy: {{.*}}: ok

func.func @grad_none(%h: tensor<6x8xf32>, %c: tensor<17x8xf32>, %y: tensor<6xi64>, %b: tensor<17xf32>, %w: tensor<17xf32>, %g: tensor<6xf32>) -> (tensor<6x8xf32>, tensor<17x8xf32>, tensor<17xf32>) {
  %dh, %dc, %db = attic.linear_spherical_z_loss_grad %h, %c, %y, %g bias(%b : tensor<17xf32>) weights(%w : tensor<17xf32>) {a = 0.5, b = 2.0, reduction = #attic.reduction<none>, ignore_index = -100 : i64} : tensor<6x8xf32>, tensor<17x8xf32>, tensor<6xi64>, tensor<6xf32> -> tensor<6x8xf32>, tensor<17x8xf32>, tensor<17xf32>
  return %dh, %dc, %db : tensor<6x8xf32>, tensor<17x8xf32>, tensor<17xf32>
}

func.func @grad_mean(%h: tensor<7x5xf32>, %c: tensor<13x5xf32>, %y: tensor<7xi64>, %w: tensor<13xf32>, %g: tensor<f32>) -> (tensor<7x5xf32>, tensor<13x5xf32>) {
  %dh, %dc = attic.linear_spherical_z_loss_grad %h, %c, %y, %g weights(%w : tensor<13xf32>) {a = 0.1, b = 20.0, softcap = 3.0, ignore_index = 3 : i64} : tensor<7x5xf32>, tensor<13x5xf32>, tensor<7xi64>, tensor<f32> -> tensor<7x5xf32>, tensor<13x5xf32>
  return %dh, %dc : tensor<7x5xf32>, tensor<13x5xf32>
}

func.func @grad_sum(%h: tensor<5x6xf32>, %c: tensor<11x6xf32>, %y: tensor<5xi64>, %b: tensor<11xf32>, %g: tensor<f32>) -> (tensor<5x6xf32>, tensor<11x6xf32>, tensor<11xf32>) {
  %dh, %dc, %db = attic.linear_spherical_z_loss_grad %h, %c, %y, %g bias(%b : tensor<11xf32>) {a = 2.0, b = -1.0, softcap = 2.0, reduction = #attic.reduction<sum>} : tensor<5x6xf32>, tensor<11x6xf32>, tensor<5xi64>, tensor<f32> -> tensor<5x6xf32>, tensor<11x6xf32>, tensor<11xf32>
  return %dh, %dc, %db : tensor<5x6xf32>, tensor<11x6xf32>, tensor<11xf32>
}
