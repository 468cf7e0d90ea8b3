// The comp-sum loss kinds of attic.linear_cross_entropy and its gradient
// against the naive float64 loss (test/utils/naive.py) and central finite
// differences of it:
//   generalized cross-entropy (q = 0.7): per token, bias, weights, ignored
//     labels, label smoothing, z_loss (the gradient with a given lse);
//     with q = 0.3, mean, softcap and smoothing (gradient only);
//   mean absolute error: mean, softcap, weights, smoothing;
//   sum-exponential: sum, bias, an ignored class index, z_loss (the
//     gradient with a given lse).
// RUN: rm -rf %t
// RUN: %naive lce_gce %t/gce && attic-run %s --function=gce --data-set=%t/gce | FileCheck %s --check-prefix=FWD
// RUN: %naive lce_mae %t/mae && attic-run %s --function=mae --data-set=%t/mae | FileCheck %s --check-prefix=FWD
// RUN: %naive lce_sum_exponential %t/se && attic-run %s --function=sum_exponential --data-set=%t/se | FileCheck %s --check-prefix=FWD
// RUN: %naive lce_grad_gce %t/dgce && attic-run %s --function=grad_gce --data-set=%t/dgce | FileCheck %s --check-prefixes=CHECK,THREE
// RUN: %naive lce_grad_gce_softcap %t/dgce3 && attic-run %s --function=grad_gce_softcap --data-set=%t/dgce3 | FileCheck %s
// RUN: %naive lce_grad_mae %t/dmae && attic-run %s --function=grad_mae --data-set=%t/dmae | FileCheck %s
// RUN: %naive lce_grad_sum_exponential %t/dse && attic-run %s --function=grad_sum_exponential --data-set=%t/dse | FileCheck %s --check-prefixes=CHECK,THREE

// FWD: result 0 vs {{.*}}output_0.npy: {{.*}}: ok
// FWD: result 1 vs {{.*}}output_1.npy: {{.*}}: ok

// CHECK: result 0 vs {{.*}}output_0.npy: {{.*}}: ok
// CHECK: result 1 vs {{.*}}output_1.npy: {{.*}}: ok
// THREE: result 2 vs {{.*}}output_2.npy: {{.*}}: ok

func.func @gce(%h: tensor<6x8xf32>, %c: tensor<17x8xf32>, %y: tensor<6xi64>, %b: tensor<17xf32>, %w: tensor<17xf32>) -> (tensor<6xf32>, tensor<6xf32>) {
  %l, %lse = attic.linear_cross_entropy %h, %c, %y bias(%b : tensor<17xf32>) weights(%w : tensor<17xf32>) {kind = #attic.loss_kind<generalized_cross_entropy>, q = 0.7, reduction = #attic.reduction<none>, ignore_index = -100 : i64, label_smoothing = 0.1, z_loss = 1.0e-3} : tensor<6x8xf32>, tensor<17x8xf32>, tensor<6xi64> -> tensor<6xf32>, tensor<6xf32>
  return %l, %lse : tensor<6xf32>, tensor<6xf32>
}

func.func @mae(%h: tensor<7x8xf32>, %c: tensor<13x8xf32>, %y: tensor<7xi64>, %w: tensor<13xf32>) -> (tensor<f32>, tensor<7xf32>) {
  %l, %lse = attic.linear_cross_entropy %h, %c, %y weights(%w : tensor<13xf32>) {kind = #attic.loss_kind<mean_absolute_error>, softcap = 3.0, label_smoothing = 0.2} : tensor<7x8xf32>, tensor<13x8xf32>, tensor<7xi64> -> tensor<f32>, tensor<7xf32>
  return %l, %lse : tensor<f32>, tensor<7xf32>
}

func.func @sum_exponential(%h: tensor<5x8xf32>, %c: tensor<11x8xf32>, %y: tensor<5xi64>, %b: tensor<11xf32>) -> (tensor<f32>, tensor<5xf32>) {
  %l, %lse = attic.linear_cross_entropy %h, %c, %y bias(%b : tensor<11xf32>) {kind = #attic.loss_kind<sum_exponential>, reduction = #attic.reduction<sum>, ignore_index = 2 : i64, z_loss = 1.0e-2} : tensor<5x8xf32>, tensor<11x8xf32>, tensor<5xi64> -> tensor<f32>, tensor<5xf32>
  return %l, %lse : tensor<f32>, tensor<5xf32>
}

func.func @grad_gce(%h: tensor<6x8xf32>, %c: tensor<17x8xf32>, %y: tensor<6xi64>, %b: tensor<17xf32>, %w: tensor<17xf32>, %g: tensor<6xf32>, %lse: tensor<6xf32>) -> (tensor<6x8xf32>, tensor<17x8xf32>, tensor<17xf32>) {
  %dh, %dc, %db = attic.linear_cross_entropy_grad %h, %c, %y, %g bias(%b : tensor<17xf32>) weights(%w : tensor<17xf32>) lse(%lse : tensor<6xf32>) {kind = #attic.loss_kind<generalized_cross_entropy>, q = 0.7, reduction = #attic.reduction<none>, ignore_index = -100 : i64, label_smoothing = 0.1, z_loss = 1.0e-3} : tensor<6x8xf32>, tensor<17x8xf32>, tensor<6xi64>, tensor<6xf32> -> tensor<6x8xf32>, tensor<17x8xf32>, tensor<17xf32>
  return %dh, %dc, %db : tensor<6x8xf32>, tensor<17x8xf32>, tensor<17xf32>
}

func.func @grad_gce_softcap(%h: tensor<5x6xf32>, %c: tensor<12x6xf32>, %y: tensor<5xi64>, %g: tensor<f32>) -> (tensor<5x6xf32>, tensor<12x6xf32>) {
  %dh, %dc = attic.linear_cross_entropy_grad %h, %c, %y, %g {kind = #attic.loss_kind<generalized_cross_entropy>, q = 0.3, softcap = 2.0, label_smoothing = 0.05} : tensor<5x6xf32>, tensor<12x6xf32>, tensor<5xi64>, tensor<f32> -> tensor<5x6xf32>, tensor<12x6xf32>
  return %dh, %dc : tensor<5x6xf32>, tensor<12x6xf32>
}

func.func @grad_mae(%h: tensor<7x8xf32>, %c: tensor<13x8xf32>, %y: tensor<7xi64>, %w: tensor<13xf32>, %g: tensor<f32>) -> (tensor<7x8xf32>, tensor<13x8xf32>) {
  %dh, %dc = attic.linear_cross_entropy_grad %h, %c, %y, %g weights(%w : tensor<13xf32>) {kind = #attic.loss_kind<mean_absolute_error>, softcap = 3.0, label_smoothing = 0.2} : tensor<7x8xf32>, tensor<13x8xf32>, tensor<7xi64>, tensor<f32> -> tensor<7x8xf32>, tensor<13x8xf32>
  return %dh, %dc : tensor<7x8xf32>, tensor<13x8xf32>
}

func.func @grad_sum_exponential(%h: tensor<5x8xf32>, %c: tensor<11x8xf32>, %y: tensor<5xi64>, %b: tensor<11xf32>, %g: tensor<f32>, %lse: tensor<5xf32>) -> (tensor<5x8xf32>, tensor<11x8xf32>, tensor<11xf32>) {
  %dh, %dc, %db = attic.linear_cross_entropy_grad %h, %c, %y, %g bias(%b : tensor<11xf32>) lse(%lse : tensor<5xf32>) {kind = #attic.loss_kind<sum_exponential>, reduction = #attic.reduction<sum>, ignore_index = 2 : i64, z_loss = 1.0e-2} : tensor<5x8xf32>, tensor<11x8xf32>, tensor<5xi64>, tensor<f32> -> tensor<5x8xf32>, tensor<11x8xf32>, tensor<11xf32>
  return %dh, %dc, %db : tensor<5x8xf32>, tensor<11x8xf32>, tensor<11xf32>
}
