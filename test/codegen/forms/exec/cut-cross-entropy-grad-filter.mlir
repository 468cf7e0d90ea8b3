// Gradient filtering skips blocks for real and stays exact at the default
// threshold. The logits are peaked (hidden scaled by 6: |z| up to about
// 40), so many blocks hold only softmax entries below 2^-28. With the
// default threshold, with and without sorting, the gradients match the
// reference; with a threshold of 0.5 the skipped blocks held entries that
// matter, and the gradients differ, which shows that blocks were skipped.
// RUN: attic-run %s --compare='attic-cut-cross-entropy{block-n=4 block-v=8}' --atol-of-max=1e-5 | FileCheck %s
// RUN: attic-run %s --compare='attic-cut-cross-entropy{block-n=4 block-v=8 sort-vocab}' --atol-of-max=1e-5 | FileCheck %s
// RUN: not attic-run %s --compare='attic-cut-cross-entropy{block-n=4 block-v=8 filter-eps=0.5}' --atol-of-max=1e-5 | FileCheck %s --check-prefix=COARSE

// CHECK: result 0 vs reference: {{.*}}: ok
// CHECK: result 1 vs reference: {{.*}}: ok
// COARSE: MISMATCH

func.func @peaked(%h: tensor<32x16xf32>, %w: tensor<203x16xf32>, %y: tensor<32xi64>) -> (tensor<32x16xf32>, tensor<203x16xf32>) {
  %e = tensor.empty() : tensor<32x16xf32>
  %hs = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%h : tensor<32x16xf32>) outs(%e : tensor<32x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.constant 6.0 : f32
    %m = arith.mulf %a, %s : f32
    linalg.yield %m : f32
  } -> tensor<32x16xf32>
  %g = arith.constant dense<1.0> : tensor<f32>
  %dh, %dw = attic.linear_cross_entropy_grad %hs, %w, %y, %g : tensor<32x16xf32>, tensor<203x16xf32>, tensor<32xi64>, tensor<f32> -> tensor<32x16xf32>, tensor<203x16xf32>
  return %dh, %dw : tensor<32x16xf32>, tensor<203x16xf32>
}
