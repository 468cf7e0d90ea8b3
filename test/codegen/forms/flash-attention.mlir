// attic.flash_attention never builds an Sq x Skv buffer: its score tensors
// are block_q x block_kv. The reference lowering of the same attention does
// build one (REF), so the check would notice. The key/value loop of a causal
// row block ends after the block's last visible key, and a sliding window
// starts it at the first; grouped-query heads slice their shared K/V head.
// RUN: attic-opt %s --attic-flash-attention --attic-lower-to-linalg --canonicalize --cse | FileCheck %s --implicit-check-not=512x512
// RUN: attic-opt %s --attic-lower-to-linalg | FileCheck %s --check-prefix=REF

// REF-LABEL: func.func @causal
// REF: tensor.empty() : tensor<1x4x512x512xf32>

// CHECK-LABEL: func.func @causal
// CHECK-SAME: (%[[Q:[a-zA-Z0-9_]+]]: tensor<1x4x512x64xf32>, %[[K:[a-zA-Z0-9_]+]]: tensor<1x2x512x64xf32>, %[[V:[a-zA-Z0-9_]+]]: tensor<1x2x512x64xf32>)
// CHECK: scf.for %[[H:[a-zA-Z0-9_]+]] = %c0 to %c4 step %c1
// CHECK:   %[[KVH:[a-zA-Z0-9_]+]] = arith.divui %[[H]], %c2 : index
// CHECK:   scf.for %[[ROW:[a-zA-Z0-9_]+]] = %c0 to %c512 step %c64
// CHECK:     %[[ROWS:[a-zA-Z0-9_]+]] = arith.minsi %{{.*}}, %c64 : index
// CHECK:     %[[LAST:[a-zA-Z0-9_]+]] = arith.addi %[[ROW]], %[[ROWS]] : index
// CHECK:     %[[BOUND:[a-zA-Z0-9_]+]] = arith.minsi %[[LAST]], %c512 : index
// CHECK:     %[[END:[a-zA-Z0-9_]+]] = arith.maxsi %[[BOUND]], %c0 : index
// CHECK:     scf.for %[[KEY:[a-zA-Z0-9_]+]] = %c0 to %[[END]] step %c64
// CHECK:       tensor.extract_slice %[[K]][0, %[[KVH]], %[[KEY]], 0] [1, 1, %{{.*}}, 64]
// CHECK:       tensor.empty(%[[ROWS]], %{{.*}}) : tensor<1x1x?x?xf32>
// CHECK:       math.exp
func.func @causal(%q: tensor<1x4x512x64xf32>, %k: tensor<1x2x512x64xf32>, %v: tensor<1x2x512x64xf32>) -> tensor<1x4x512x64xf32> {
  %o = attic.attention %q, %k, %v {causal} : tensor<1x4x512x64xf32>, tensor<1x2x512x64xf32>, tensor<1x2x512x64xf32> -> tensor<1x4x512x64xf32>
  return %o : tensor<1x4x512x64xf32>
}

// The window's first key: row + off - left_window, at least 0 (off = 0 here).
// CHECK-LABEL: func.func @window
// CHECK: scf.for %[[ROW:[a-zA-Z0-9_]+]] = %c0 to %c512 step %c64
// CHECK:   %[[FROM:[a-zA-Z0-9_]+]] = arith.subi %[[ROW]], %c100 : index
// CHECK:   %[[START:[a-zA-Z0-9_]+]] = arith.maxsi %[[FROM]], %c0 : index
// CHECK:   scf.for %{{.*}} = %[[START]] to %{{.*}} step %c64
func.func @window(%q: tensor<1x1x512x64xf32>, %k: tensor<1x1x512x64xf32>, %v: tensor<1x1x512x64xf32>) -> tensor<1x1x512x64xf32> {
  %o = attic.attention %q, %k, %v {causal, left_window = 100 : i64} : tensor<1x1x512x64xf32>, tensor<1x1x512x64xf32>, tensor<1x1x512x64xf32> -> tensor<1x1x512x64xf32>
  return %o : tensor<1x1x512x64xf32>
}

// kv_lengths bound the key loop: min(max(L, 0), Skv).
// CHECK-LABEL: func.func @lengths
// CHECK: %[[L:[a-zA-Z0-9_]+]] = tensor.extract %{{.*}}[%{{.*}}] : tensor<2xi64>
// CHECK: %[[LI:[a-zA-Z0-9_]+]] = arith.index_cast %[[L]] : i64 to index
// CHECK: %[[LP:[a-zA-Z0-9_]+]] = arith.maxsi %[[LI]], %c0 : index
// CHECK: %[[LC:[a-zA-Z0-9_]+]] = arith.minsi %[[LP]], %c512 : index
// CHECK: %[[END:[a-zA-Z0-9_]+]] = arith.maxsi %[[LC]], %c0 : index
// CHECK: scf.for %{{.*}} = %c0 to %[[END]] step %c64
func.func @lengths(%q: tensor<2x1x16x64xf32>, %k: tensor<2x1x512x64xf32>, %v: tensor<2x1x512x64xf32>, %len: tensor<2xi64>) -> tensor<2x1x16x64xf32> {
  %o = attic.attention %q, %k, %v kv_lengths(%len : tensor<2xi64>) : tensor<2x1x16x64xf32>, tensor<2x1x512x64xf32>, tensor<2x1x512x64xf32> -> tensor<2x1x16x64xf32>
  return %o : tensor<2x1x16x64xf32>
}
