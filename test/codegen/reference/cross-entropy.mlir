// IR of the reference cross-entropy: the log-sum-exp from the softmax row
// statistics, the smoothing sum over the classes, the label's logit gathered
// with tensor.extract at a label clamped into [0, C), ignore_index as a
// select, and the mean as sum(l) / sum(applied weights) accumulated in f64.
// RUN: attic-opt %s --attic-lower-to-linalg --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @mean_bf16
func.func @mean_bf16(%x: tensor<4x10xbf16>, %y: tensor<4xi32>, %w: tensor<10xbf16>) -> tensor<bf16> {
  // Row maximum and sum of exponentials, in f32.
  // CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.*}} : tensor<4x10xbf16>) outs(%{{.*}} : tensor<4xf32>)
  // CHECK: arith.maximumf
  // CHECK: math.exp
  // lse = max + log(sum)
  // CHECK: math.log
  // The smoothing term reads the class weights along the class axis.
  // CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<4x10xbf16>, tensor<4xf32>, tensor<10xbf16>)
  // The label's logit: clamp, gather.
  // CHECK: linalg.generic {{.*}} iterator_types = ["parallel"]} ins(%{{.*}} : tensor<4xi32>) outs(%{{.*}} : tensor<4xf32>)
  // CHECK: arith.extsi %{{.*}} : i32 to i64
  // CHECK: arith.minsi
  // CHECK: arith.maxsi
  // CHECK: tensor.extract %{{.*}}[%{{.*}}, %{{.*}}] : tensor<4x10xbf16>
  // Per position: the label's weight, ignore.
  // CHECK: %[[PER:[a-zA-Z0-9_]+]]:2 = linalg.generic {{.*}} iterator_types = ["parallel"]} ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<4xi32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  // CHECK: tensor.extract %{{.*}}[%{{.*}}] : tensor<10xbf16>
  // CHECK: arith.cmpi ne, %{{.*}}, %c-100_i64 : i64
  // The totals of losses and applied weights, in f64, then their ratio.
  // CHECK: %[[TOT:[a-zA-Z0-9_]+]]:2 = linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[PER]]#0, %[[PER]]#1 : tensor<4xf32>, tensor<4xf32>) outs(%{{.*}}, %{{.*}} : tensor<f64>, tensor<f64>)
  // CHECK: linalg.generic {{.*}} ins(%[[TOT]]#0, %[[TOT]]#1 : tensor<f64>, tensor<f64>) outs(%{{.*}} : tensor<bf16>)
  // CHECK: arith.divf %{{.*}}, %{{.*}} : f64
  // CHECK: arith.truncf %{{.*}} : f64 to bf16
  // CHECK-NOT: attic.
  %l = attic.cross_entropy %x, %y weights(%w : tensor<10xbf16>) {ignore_index = -100 : i64, label_smoothing = 0.1} : tensor<4x10xbf16>, tensor<4xi32> -> tensor<bf16>
  return %l : tensor<bf16>
}

// -----

// Spatial positions keep their dimensions; reduction none returns the
// per-position losses, and the lse result comes out alongside.
// CHECK-LABEL: func.func @none_spatial
func.func @none_spatial(%x: tensor<2x5x3xf32>, %y: tensor<2x3xi64>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  // CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]} ins(%{{.*}} : tensor<2x5x3xf32>) outs(%{{.*}} : tensor<2x3xf32>)
  // CHECK: tensor.extract %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] : tensor<2x5x3xf32>
  // CHECK-NOT: tensor<f64>
  // CHECK: return %{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<2x3xf32>
  %l, %lse = attic.cross_entropy %x, %y {reduction = #attic.reduction<none>, z_loss = 1.0e-4} : tensor<2x5x3xf32>, tensor<2x3xi64> -> tensor<2x3xf32>, tensor<2x3xf32>
  return %l, %lse : tensor<2x3xf32>, tensor<2x3xf32>
}
