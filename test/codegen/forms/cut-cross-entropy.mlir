// attic.cut_cross_entropy never builds the N x V logits: its logit tensors
// are block_n x block_v. The reference lowering of the same loss does build
// them (REF), so the check would notice.
// RUN: attic-opt %s --attic-cut-cross-entropy --attic-lower-to-linalg --canonicalize --cse | FileCheck %s --implicit-check-not=4096x32000
// RUN: attic-opt %s --attic-lower-to-linalg | FileCheck %s --check-prefix=REF

// REF-LABEL: func.func @loss
// REF: tensor<4096x32000xf32>

// CHECK-LABEL: func.func @loss
// CHECK-SAME: (%[[H:[a-zA-Z0-9_]+]]: tensor<4096x64xf32>, %[[W:[a-zA-Z0-9_]+]]: tensor<32000x64xf32>, %[[Y:[a-zA-Z0-9_]+]]: tensor<4096xi64>)
// CHECK: scf.for %[[T:[a-zA-Z0-9_]+]] = %c0 to %c4096 step %c128
// CHECK:   tensor.extract_slice %[[H]][%[[T]], 0] [%{{.*}}, 64]
// CHECK:   scf.for %[[C:[a-zA-Z0-9_]+]] = %c0 to %c32000 step %c512
// CHECK:     tensor.extract_slice %[[W]][%[[C]], 0] [%{{.*}}, 64]
// CHECK:     linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<?x64xf32>, tensor<?x64xf32>) outs(%{{.*}} : tensor<?x?xf32>)
// CHECK:     arith.maximumf
// CHECK:     math.exp
// The label's logit where the label falls in the block.
// CHECK:     linalg.index 1
// CHECK:     arith.cmpi eq
func.func @loss(%h: tensor<4096x64xf32>, %w: tensor<32000x64xf32>, %y: tensor<4096xi64>) -> tensor<f32> {
  %l = attic.linear_cross_entropy %h, %w, %y {ignore_index = -100 : i64} : tensor<4096x64xf32>, tensor<32000x64xf32>, tensor<4096xi64> -> tensor<f32>
  return %l : tensor<f32>
}

// The other comp-sum kinds, with label smoothing (so the blocks also
// accumulate T = sum_c w_c exp(e (z_c - m)) beside the lse), stay blockwise.
// REF-LABEL: func.func @loss_kinds
// REF-COUNT-3: tensor<4096x32000xf32>

// CHECK-LABEL: func.func @loss_kinds
// CHECK-COUNT-3: scf.for %{{.*}} = %c0 to %c32000 step %c512
func.func @loss_kinds(%h: tensor<4096x64xf32>, %w: tensor<32000x64xf32>, %y: tensor<4096xi64>) -> (tensor<f32>, tensor<f32>, tensor<f32>) {
  %a = attic.linear_cross_entropy %h, %w, %y {kind = #attic.loss_kind<generalized_cross_entropy>, q = 0.7, label_smoothing = 0.1} : tensor<4096x64xf32>, tensor<32000x64xf32>, tensor<4096xi64> -> tensor<f32>
  %b = attic.linear_cross_entropy %h, %w, %y {kind = #attic.loss_kind<mean_absolute_error>, label_smoothing = 0.1} : tensor<4096x64xf32>, tensor<32000x64xf32>, tensor<4096xi64> -> tensor<f32>
  %c = attic.linear_cross_entropy %h, %w, %y {kind = #attic.loss_kind<sum_exponential>, z_loss = 1.0e-4} : tensor<4096x64xf32>, tensor<32000x64xf32>, tensor<4096xi64> -> tensor<f32>
  return %a, %b, %c : tensor<f32>, tensor<f32>, tensor<f32>
}

// The spherical Z-loss in cut form: the label's logits by a gather over
// hidden and classifier rows, then the blocks carry each token's mean and
// squared deviations of z - z_y (no exponential: no log-sum-exp), merged
// block by block, and the loss follows from them.
// REF-LABEL: func.func @spherical
// REF: tensor<4096x32000xf32>

// CHECK-LABEL: func.func @spherical
// CHECK-SAME: (%[[H:[a-zA-Z0-9_]+]]: tensor<4096x64xf32>, %[[W:[a-zA-Z0-9_]+]]: tensor<32000x64xf32>, %[[Y:[a-zA-Z0-9_]+]]: tensor<4096xi64>)
// CHECK: %[[ZY:.*]] = linalg.generic {{.*}} ins(%[[H]], %[[Y]] : tensor<4096x64xf32>, tensor<4096xi64>)
// CHECK: tensor.extract %[[W]]
// CHECK: scf.for %[[T:[a-zA-Z0-9_]+]] = %c0 to %c4096 step %c128
// CHECK:   scf.for %[[C:[a-zA-Z0-9_]+]] = %c0 to %c32000 step %c512
// CHECK:     tensor.extract_slice %[[W]][%[[C]], 0] [%{{.*}}, 64]
// CHECK:     linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<?x64xf32>, tensor<?x64xf32>) outs(%{{.*}} : tensor<?x?xf32>)
// CHECK-NOT: math.exp
// CHECK:     scf.yield
// CHECK:   scf.yield
// CHECK: math.sqrt
// CHECK: math.log1p
func.func @spherical(%h: tensor<4096x64xf32>, %w: tensor<32000x64xf32>, %y: tensor<4096xi64>) -> tensor<f32> {
  %l = attic.linear_spherical_z_loss %h, %w, %y {a = 0.1, b = 20.0, softcap = 30.0} : tensor<4096x64xf32>, tensor<32000x64xf32>, tensor<4096xi64> -> tensor<f32>
  return %l : tensor<f32>
}
