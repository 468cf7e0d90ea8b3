// attic-soft-attention turns gaussian attention into attic.nystrom_attention
// with every attribute kept, min(landmarks, Sq, Skv) landmarks and the
// pass's iterations and normalization; other kernels stay, and gaussian
// attention the form cannot take stays with a warning naming why.
// RUN: attic-opt %s --attic-soft-attention 2>&1 | FileCheck %s --check-prefixes=CHECK,DEFAULT
// RUN: attic-opt %s --attic-soft-attention='landmarks=8 iterations=6 symmetric=true' 2>&1 | FileCheck %s --check-prefixes=CHECK,OPTIONS
// RUN: not attic-opt %s --attic-soft-attention=landmarks=0 2>&1 | FileCheck %s --check-prefix=BAD

// CHECK: warning: attic-soft-attention: left alone: masks and kv_lengths do not factorize through landmarks
// CHECK-LABEL: func.func @gaussian
// DEFAULT: attic.nystrom_attention {{.*}}{iterations = 20 : i64, kernel = #attic.kernel<gaussian>, landmarks = 48 : i64, scale = 2.500000e-01 : f64}
// OPTIONS: attic.nystrom_attention {{.*}}{iterations = 6 : i64, kernel = #attic.kernel<gaussian>, landmarks = 8 : i64, scale = 2.500000e-01 : f64, symmetric}
func.func @gaussian(%q: tensor<1x4x128x16xf32>, %k: tensor<1x2x48x16xf32>, %v: tensor<1x2x48x8xf32>) -> tensor<1x4x128x8xf32> {
  %o = attic.attention %q, %k, %v {kernel = #attic.kernel<gaussian>, scale = 0.25} : tensor<1x4x128x16xf32>, tensor<1x2x48x16xf32>, tensor<1x2x48x8xf32> -> tensor<1x4x128x8xf32>
  return %o : tensor<1x4x128x8xf32>
}

// CHECK-LABEL: func.func @others_stay
// CHECK: attic.attention {{.*}}mask
// CHECK: attic.attention {{.*}}{causal}
// CHECK-NOT: nystrom
func.func @others_stay(%q: tensor<1x1x16x8xf32>, %m: tensor<16x16xf32>) -> (tensor<1x1x16x8xf32>, tensor<1x1x16x8xf32>) {
  %a = attic.attention %q, %q, %q mask(%m : tensor<16x16xf32>) {kernel = #attic.kernel<gaussian>} : tensor<1x1x16x8xf32>, tensor<1x1x16x8xf32>, tensor<1x1x16x8xf32> -> tensor<1x1x16x8xf32>
  %b = attic.attention %q, %q, %q {causal} : tensor<1x1x16x8xf32>, tensor<1x1x16x8xf32>, tensor<1x1x16x8xf32> -> tensor<1x1x16x8xf32>
  return %a, %b : tensor<1x1x16x8xf32>, tensor<1x1x16x8xf32>
}

// BAD: attic-soft-attention: landmarks and iterations must be at least 1, got landmarks=0 and iterations=20
