// The linear attention forms never build an S x S buffer: causal feature-map
// attention works on chunk_size x chunk_size tiles inside a loop over chunks
// that carries the [D, Dv + 1] state (the extra column is the normalizer),
// while the reference lowering builds the 512 x 512 scores (REF), so the
// check would notice. The chunked delta rule pads 100 steps to 128 and
// solves each chunk by forward substitution over its rows.
// RUN: attic-opt %s --attic-linear-attention='chunk-size=32' --attic-lower-to-linalg --canonicalize --cse | FileCheck %s --implicit-check-not=512x512
// RUN: attic-opt %s --attic-lower-to-linalg | FileCheck %s --check-prefix=REF

// REF-LABEL: func.func @causal
// REF: tensor.empty() : tensor<1x4x512x512xf32>

// CHECK-LABEL: func.func @causal
// CHECK: math.exp
// CHECK: tensor.empty() : tensor<1x2x512x65xf32>
// CHECK: %[[OUT:.*]]:2 = scf.for %{{.*}} = %c0 to %c512 step %c32 iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (tensor<1x2x64x65xf32>, tensor<1x4x512x65xf32>)
// CHECK:   tensor.empty() : tensor<1x4x32x32xf32>
// CHECK:   scf.yield %{{.*}}, %{{.*}} : tensor<1x2x64x65xf32>, tensor<1x4x512x65xf32>
// CHECK: %[[NUM:.*]] = tensor.extract_slice %[[OUT]]#1[0, 0, 0, 0] [1, 4, 512, 64]
// CHECK: linalg.generic {{.*}} ins(%[[NUM]], %[[OUT]]#1 : tensor<1x4x512x64xf32>, tensor<1x4x512x65xf32>)
// CHECK:   arith.divf
func.func @causal(%q: tensor<1x4x512x64xf32>, %k: tensor<1x2x512x64xf32>, %v: tensor<1x2x512x64xf32>) -> tensor<1x4x512x64xf32> {
  %o = attic.attention %q, %k, %v {causal, kernel = #attic.kernel<elu_plus_one>} : tensor<1x4x512x64xf32>, tensor<1x2x512x64xf32>, tensor<1x2x512x64xf32> -> tensor<1x4x512x64xf32>
  return %o : tensor<1x4x512x64xf32>
}

// Non-causal: one state phi(K)^T [V, 1], summed over key chunks, then
// phi(Q) times it; no per-query loop.
// CHECK-LABEL: func.func @noncausal
// CHECK: %[[S:.*]] = scf.for %{{.*}} = %c0 to %c512 step %c32 iter_args(%{{.*}} = %{{.*}}) -> (tensor<1x2x64x65xf32>)
// CHECK:   linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x2x32x64xf32>, tensor<1x2x32x65xf32>) outs(%{{.*}} : tensor<1x2x64x65xf32>)
// CHECK-NOT: scf.for
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[S]] : tensor<1x4x512x64xf32>, tensor<1x2x64x65xf32>) outs(%{{.*}} : tensor<1x4x512x65xf32>)
// CHECK-NOT: scf.for
// CHECK: return
func.func @noncausal(%q: tensor<1x4x512x64xf32>, %k: tensor<1x2x512x64xf32>, %v: tensor<1x2x512x64xf32>) -> tensor<1x4x512x64xf32> {
  %o = attic.attention %q, %k, %v {kernel = #attic.kernel<relu>} : tensor<1x4x512x64xf32>, tensor<1x2x512x64xf32>, tensor<1x2x512x64xf32> -> tensor<1x4x512x64xf32>
  return %o : tensor<1x4x512x64xf32>
}

// CHECK-LABEL: func.func @delta
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 0, 0] [1, 2, 100, 16] [1, 1, 1, 1] : tensor<1x2x100x16xf32> into tensor<1x2x128x16xf32>
// CHECK: scf.for %{{.*}} = %c0 to %c128 step %c32 iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (tensor<1x2x16x8xf32>, tensor<1x2x128x8xf32>)
// CHECK:   scf.for %{{.*}} = %c1 to %c32 step %c1 iter_args(%{{.*}} = %{{.*}}) -> (tensor<1x2x32x24xf32>)
// CHECK:     arith.subf
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0, 0] [1, 2, 100, 8]
func.func @delta(%q: tensor<1x2x100x16xf32>, %k: tensor<1x2x100x16xf32>, %v: tensor<1x2x100x8xf32>, %b: tensor<1x2x100xf32>) -> (tensor<1x2x100x8xf32>, tensor<1x2x16x8xf32>) {
  %o, %s = attic.linear_attention %q, %k, %v beta(%b : tensor<1x2x100xf32>) {update_rule = #attic.update_rule<delta>} : tensor<1x2x100x16xf32>, tensor<1x2x100x16xf32>, tensor<1x2x100x8xf32> -> tensor<1x2x100x8xf32>, tensor<1x2x16x8xf32>
  return %o, %s : tensor<1x2x100x8xf32>, tensor<1x2x16x8xf32>
}
