// attic.cut_cross_entropy_grad never builds the N x V logits or their
// gradient: its logit tensors are block_n x block_v. The reference lowering
// of the same gradient does build them (REF), so the check would notice.
// With filtering (the default) each class block sits under an scf.if on
// the block's largest softmax entry; with filter-eps=none it does not. With
// sort-vocab the classes are sorted first (a Shell sort: scf.while).
// RUN: attic-opt %s --attic-cut-cross-entropy=sort-vocab --attic-lower-to-linalg --canonicalize --cse | FileCheck %s --implicit-check-not=4096x32000
// RUN: attic-opt %s --attic-cut-cross-entropy=filter-eps=none --attic-lower-to-linalg --canonicalize --cse | FileCheck %s --check-prefix=NOFILTER --implicit-check-not=4096x32000
// RUN: attic-opt %s --attic-lower-to-linalg | FileCheck %s --check-prefix=REF

// REF-LABEL: func.func @grad
// REF: tensor<4096x32000xf32>

// CHECK-LABEL: func.func @grad
// CHECK-SAME: (%[[H:[a-zA-Z0-9_]+]]: tensor<4096x64xf32>, %[[W:[a-zA-Z0-9_]+]]: tensor<32000x64xf32>, %[[Y:[a-zA-Z0-9_]+]]: tensor<4096xi64>, %{{.*}}: tensor<f32>)
// Without an lse operand, the forward's blockwise statistics compute it.
// CHECK: scf.for %{{.*}} = %c0 to %c4096 step %c128
// CHECK:   scf.for %{{.*}} = %c0 to %c32000 step %c512
// The average logits, then the sort.
// CHECK: linalg.generic {{.*}} ins(%[[W]], %{{.*}} : tensor<32000x64xf32>, tensor<64xf32>)
// CHECK: scf.while
// CHECK:   scf.for
// CHECK:     scf.while
// The classifier in sorted order.
// CHECK: %[[SORTED:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<32000x64xf32>)
// CHECK: tensor.extract %[[W]]
// The blocks.
// CHECK: scf.for %[[T:[a-zA-Z0-9_]+]] = %c0 to %c4096 step %c128 iter_args({{.*}}) -> (tensor<4096x64xf32>, tensor<32000x64xf32>)
// CHECK:   tensor.extract_slice %[[H]][%[[T]], 0] [%{{.*}}, 64]
// CHECK:   scf.for %[[C:[a-zA-Z0-9_]+]] = %c0 to %c32000 step %c512 iter_args({{.*}}) -> (tensor<?x64xf32>, tensor<32000x64xf32>)
// CHECK:     tensor.extract_slice %[[SORTED]][%[[C]], 0] [%{{.*}}, 64]
// CHECK:     linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} {{.*}} outs(%{{.*}} : tensor<?x?xf32>)
// CHECK:     linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} {{.*}} outs(%{{.*}} : tensor<f32>)
// CHECK:     scf.if
// CHECK:       math.exp
// grad_hidden block += du . w_blk; grad_classifier block += du^T . h_blk.
// CHECK:       linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]} {{.*}} outs(%{{.*}} : tensor<?x64xf32>)
// CHECK:       tensor.extract_slice %{{.*}}[%[[C]], 0]
// CHECK:       linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]} {{.*}} outs(%{{.*}} : tensor<?x64xf32>)
// CHECK:       tensor.insert_slice {{.*}}[%[[C]], 0]
// CHECK:     } else {
// The label's column, scattered one token after another.
// CHECK: scf.for %{{.*}} = %c0 to %c4096 step %c1
// CHECK:   tensor.insert_slice {{.*}} : tensor<1x64xf32> into tensor<32000x64xf32>

// NOFILTER-LABEL: func.func @grad
// NOFILTER-NOT: scf.while
// NOFILTER-NOT: scf.if
// NOFILTER: return
func.func @grad(%h: tensor<4096x64xf32>, %w: tensor<32000x64xf32>, %y: tensor<4096xi64>, %g: tensor<f32>) -> (tensor<4096x64xf32>, tensor<32000x64xf32>) {
  %dh, %dw = attic.linear_cross_entropy_grad %h, %w, %y, %g {ignore_index = -100 : i64} : tensor<4096x64xf32>, tensor<32000x64xf32>, tensor<4096xi64>, tensor<f32> -> tensor<4096x64xf32>, tensor<32000x64xf32>
  return %dh, %dw : tensor<4096x64xf32>, tensor<32000x64xf32>
}

// The other comp-sum kinds stay blockwise too, with label smoothing (its
// term is dense in every block, so no block is filtered) and without.
// REF-LABEL: func.func @grad_kinds
// REF-COUNT-2: tensor<4096x32000xf32>

// CHECK-LABEL: func.func @grad_kinds
// CHECK: scf.for %{{.*}} = %c0 to %c32000 step %c512
// CHECK: scf.for %{{.*}} = %c0 to %c32000 step %c512
// NOFILTER-LABEL: func.func @grad_kinds
func.func @grad_kinds(%h: tensor<4096x64xf32>, %w: tensor<32000x64xf32>, %y: tensor<4096xi64>, %g: tensor<f32>) -> (tensor<4096x64xf32>, tensor<32000x64xf32>, tensor<4096x64xf32>, tensor<32000x64xf32>) {
  %dh, %dc = attic.linear_cross_entropy_grad %h, %w, %y, %g {kind = #attic.loss_kind<generalized_cross_entropy>, q = 0.5, label_smoothing = 0.1} : tensor<4096x64xf32>, tensor<32000x64xf32>, tensor<4096xi64>, tensor<f32> -> tensor<4096x64xf32>, tensor<32000x64xf32>
  %dh2, %dc2 = attic.linear_cross_entropy_grad %h, %w, %y, %g {kind = #attic.loss_kind<sum_exponential>, z_loss = 1.0e-4} : tensor<4096x64xf32>, tensor<32000x64xf32>, tensor<4096xi64>, tensor<f32> -> tensor<4096x64xf32>, tensor<32000x64xf32>
  return %dh, %dc, %dh2, %dc2 : tensor<4096x64xf32>, tensor<32000x64xf32>, tensor<4096x64xf32>, tensor<32000x64xf32>
}

// The spherical Z-loss gradient in cut form: the statistics' blocks, then
// the gradient blocks, each recomputing its logits. The gradient is dense,
// so no block sits under an scf.if.
// REF-LABEL: func.func @spherical_grad
// REF: tensor<4096x32000xf32>

// CHECK-LABEL: func.func @spherical_grad
// CHECK: scf.for %{{.*}} = %c0 to %c4096 step %c128
// CHECK:   scf.for %{{.*}} = %c0 to %c32000 step %c512
// CHECK: scf.for %{{.*}} = %c0 to %c4096 step %c128 {{.*}} -> (tensor<4096x64xf32>, tensor<32000x64xf32>, tensor<32000xf32>)
// CHECK-NOT: scf.if
// CHECK:   scf.for %{{.*}} = %c0 to %c32000 step %c512
// CHECK-NOT: scf.if
// CHECK: return
// NOFILTER-LABEL: func.func @spherical_grad
func.func @spherical_grad(%h: tensor<4096x64xf32>, %w: tensor<32000x64xf32>, %y: tensor<4096xi64>, %b: tensor<32000xf32>, %g: tensor<f32>) -> (tensor<4096x64xf32>, tensor<32000x64xf32>, tensor<32000xf32>) {
  %dh, %dc, %db = attic.linear_spherical_z_loss_grad %h, %w, %y, %g bias(%b : tensor<32000xf32>) {a = 0.1, b = 20.0, softcap = 30.0, ignore_index = -100 : i64} : tensor<4096x64xf32>, tensor<32000x64xf32>, tensor<4096xi64>, tensor<f32> -> tensor<4096x64xf32>, tensor<32000x64xf32>, tensor<32000xf32>
  return %dh, %dc, %db : tensor<4096x64xf32>, tensor<32000x64xf32>, tensor<32000xf32>
}
