// IR of the reference attention: materialized [B, Hq, Sq, Skv] scores,
// grouped-query heads read through h floordiv (Hq / Hkv) without copying K/V,
// and the softmax done by attic.softmax's own reference lowering.
// RUN: attic-opt %s --attic-lower-to-linalg | FileCheck %s

// CHECK-DAG: #[[KV:[a-zA-Z0-9_]+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 floordiv 4, d3, d4)>
// CHECK-LABEL: func.func @gqa
func.func @gqa(%q: tensor<2x8x16x32xf16>, %k: tensor<2x2x24x32xf16>,
               %v: tensor<2x2x24x64xf16>) -> tensor<2x8x16x64xf16> {
  // CHECK: %[[S:.+]] = linalg.generic {indexing_maps = [#{{.*}}, #[[KV]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
  // CHECK-SAME: outs(%{{.*}} : tensor<2x8x16x24xf32>)
  // CHECK: arith.mulf
  // The causal test on positions: j <= i + (Skv - Sq).
  // CHECK: linalg.index 2
  // CHECK: linalg.index 3
  // CHECK: arith.cmpi sle
  // CHECK: arith.select
  // Softmax over the keys (three passes).
  // CHECK: arith.maximumf
  // CHECK: math.exp
  // CHECK: arith.divf
  // The output contraction reduces the keys with Dv innermost.
  // CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]
  // CHECK-SAME: outs(%{{.*}} : tensor<2x8x16x64xf32>)
  // CHECK: arith.truncf %{{.*}} : f32 to f16
  // CHECK-NOT: attic.
  %o = attic.attention %q, %k, %v {causal}
         : tensor<2x8x16x32xf16>, tensor<2x2x24x32xf16>, tensor<2x2x24x64xf16>
         -> tensor<2x8x16x64xf16>
  return %o : tensor<2x8x16x64xf16>
}
