// Properties of attic.nystrom_attention (SOFT), an approximation:
// - with well-conditioned landmark matrices (queries near their keys,
//   scale 2), the Newton-Raphson pseudo-inverse gives what the direct
//   inverse gives: the naive float64 Nystrom with np.linalg.inv (condition
//   number checked under 10), plain and symmetrically normalized with
//   grouped-query heads and a segment length that does not divide;
// - with one landmark per row and a converged iteration it is exact: equal
//   to the reference lowering of gaussian attention (random self-attention,
//   grouped-query heads) and, normalized, to the naive symmetric form;
// - too few iterations do not converge, and the comparison fails.
// RUN: rm -rf %t
// RUN: %naive soft_inverse %t/a && attic-run %s --function=inverse --data-set=%t/a --rtol=1e-4 --atol=1e-5 | FileCheck %s
// RUN: %naive soft_inverse_symmetric %t/b && attic-run %s --function=inverse_symmetric --data-set=%t/b --rtol=1e-4 --atol=1e-5 | FileCheck %s
// RUN: not attic-run %s --function=inverse_unconverged --data-set=%t/a --rtol=1e-4 --atol=1e-5 | FileCheck %s --check-prefix=UNCONVERGED
// RUN: %naive soft_exact_symmetric %t/c && attic-run %s --function=exact_symmetric --data-set=%t/c --rtol=1e-4 --atol=1e-5 | FileCheck %s
// RUN: attic-run %s --function=self_attention --compare='attic-soft-attention{landmarks=64 iterations=30}' --seed=3 | FileCheck %s --check-prefix=EXACT
// RUN: attic-run %s --function=grouped_self_attention --compare='attic-soft-attention{landmarks=24 iterations=30}' --seed=4 | FileCheck %s --check-prefix=EXACT

// CHECK: result 0 vs {{.*}}output_0.npy: {{.*}}: ok
// UNCONVERGED: MISMATCH
// EXACT: result 0 vs reference: {{.*}}: ok

func.func @inverse(%q: tensor<1x2x48x8xf32>, %k: tensor<1x2x48x8xf32>, %v: tensor<1x2x48x4xf32>) -> tensor<1x2x48x4xf32> {
  %o = attic.nystrom_attention %q, %k, %v {kernel = #attic.kernel<gaussian>, scale = 2.0, landmarks = 12 : i64, iterations = 20 : i64} : tensor<1x2x48x8xf32>, tensor<1x2x48x8xf32>, tensor<1x2x48x4xf32> -> tensor<1x2x48x4xf32>
  return %o : tensor<1x2x48x4xf32>
}

func.func @inverse_unconverged(%q: tensor<1x2x48x8xf32>, %k: tensor<1x2x48x8xf32>, %v: tensor<1x2x48x4xf32>) -> tensor<1x2x48x4xf32> {
  %o = attic.nystrom_attention %q, %k, %v {kernel = #attic.kernel<gaussian>, scale = 2.0, landmarks = 12 : i64, iterations = 2 : i64} : tensor<1x2x48x8xf32>, tensor<1x2x48x8xf32>, tensor<1x2x48x4xf32> -> tensor<1x2x48x4xf32>
  return %o : tensor<1x2x48x4xf32>
}

func.func @inverse_symmetric(%q: tensor<2x4x40x8xf32>, %k: tensor<2x2x40x8xf32>, %v: tensor<2x2x40x3xf32>) -> tensor<2x4x40x3xf32> {
  %o = attic.nystrom_attention %q, %k, %v {kernel = #attic.kernel<gaussian>, scale = 2.0, landmarks = 10 : i64, iterations = 20 : i64, symmetric} : tensor<2x4x40x8xf32>, tensor<2x2x40x8xf32>, tensor<2x2x40x3xf32> -> tensor<2x4x40x3xf32>
  return %o : tensor<2x4x40x3xf32>
}

func.func @exact_symmetric(%q: tensor<1x4x16x8xf32>, %k: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>) -> tensor<1x4x16x4xf32> {
  %o = attic.nystrom_attention %q, %k, %v {kernel = #attic.kernel<gaussian>, scale = 2.0, landmarks = 16 : i64, iterations = 30 : i64, symmetric} : tensor<1x4x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32> -> tensor<1x4x16x4xf32>
  return %o : tensor<1x4x16x4xf32>
}

// Random self-attention: the pass gives min(64, 33) = 33 landmarks.
func.func @self_attention(%x: tensor<2x2x33x8xf32>, %v: tensor<2x2x33x5xf32>) -> tensor<2x2x33x5xf32> {
  %o = attic.attention %x, %x, %v {kernel = #attic.kernel<gaussian>, scale = 2.0} : tensor<2x2x33x8xf32>, tensor<2x2x33x8xf32>, tensor<2x2x33x5xf32> -> tensor<2x2x33x5xf32>
  return %o : tensor<2x2x33x5xf32>
}

// Query heads that repeat their key/value head.
#repeat = affine_map<(b, h, s, d) -> (b, h floordiv 3, s, d)>
#id = affine_map<(b, h, s, d) -> (b, h, s, d)>
func.func @grouped_self_attention(%k: tensor<1x2x24x8xf32>, %v: tensor<1x2x24x4xf32>) -> tensor<1x6x24x4xf32> {
  %e = tensor.empty() : tensor<1x6x24x8xf32>
  %q = linalg.generic {indexing_maps = [#repeat, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%k : tensor<1x2x24x8xf32>) outs(%e : tensor<1x6x24x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<1x6x24x8xf32>
  %o = attic.attention %q, %k, %v {kernel = #attic.kernel<gaussian>, scale = 2.0} : tensor<1x6x24x8xf32>, tensor<1x2x24x8xf32>, tensor<1x2x24x4xf32> -> tensor<1x6x24x4xf32>
  return %o : tensor<1x6x24x4xf32>
}
