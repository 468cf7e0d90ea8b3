// The Nystrom form never builds an S x S buffer: its largest tensors are
// S x m kernel matrices against the landmarks, and the pseudo-inverse is a
// loop of m x m products. The reference lowering builds the 512 x 512
// kernel matrix (REF), so the check would notice.
// RUN: attic-opt %s --attic-soft-attention='landmarks=16 iterations=12 symmetric=true' --attic-lower-to-linalg --canonicalize --cse | FileCheck %s --implicit-check-not=512x512
// RUN: attic-opt %s --attic-lower-to-linalg | FileCheck %s --check-prefix=REF

// REF-LABEL: func.func @soft
// REF: tensor.empty() : tensor<1x4x512x512xf32>

// CHECK-LABEL: func.func @soft
// Landmarks: the pooling matrix, then the kernel matrices.
// CHECK-DAG: tensor.empty() : tensor<16x512xf32>
// CHECK-DAG: tensor.empty() : tensor<1x4x512x16xf32>
// CHECK-DAG: tensor.empty() : tensor<1x4x16x512xf32>
// The Newton-Raphson loop.
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (tensor<1x4x16x16xf32>)
// CHECK: math.rsqrt
// CHECK: return {{.*}} : tensor<1x4x512x32xf32>
func.func @soft(%q: tensor<1x4x512x64xf32>, %k: tensor<1x2x512x64xf32>, %v: tensor<1x2x512x32xf32>) -> tensor<1x4x512x32xf32> {
  %o = attic.attention %q, %k, %v {kernel = #attic.kernel<gaussian>} : tensor<1x4x512x64xf32>, tensor<1x2x512x64xf32>, tensor<1x2x512x32xf32> -> tensor<1x4x512x32xf32>
  return %o : tensor<1x4x512x32xf32>
}
