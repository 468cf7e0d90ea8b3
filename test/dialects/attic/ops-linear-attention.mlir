// Round trip of attic.linear_attention with each update rule.
// RUN: attic-opt %s | attic-opt | FileCheck %s
// RUN: attic-opt %s --mlir-print-op-generic | attic-opt | FileCheck %s

// CHECK-LABEL: func.func @linear
func.func @linear(%q: tensor<1x4x16x32xf32>, %k: tensor<1x2x16x32xf32>,
                  %v: tensor<1x2x16x64xf32>) {
  // CHECK: %{{.*}}, %{{.*}} = attic.linear_attention %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x4x16x32xf32>, tensor<1x2x16x32xf32>, tensor<1x2x16x64xf32> -> tensor<1x4x16x64xf32>, tensor<1x2x32x64xf32>
  %o, %s = attic.linear_attention %q, %k, %v
             : tensor<1x4x16x32xf32>, tensor<1x2x16x32xf32>, tensor<1x2x16x64xf32>
             -> tensor<1x4x16x64xf32>, tensor<1x2x32x64xf32>
  return
}

// CHECK-LABEL: func.func @gated_past
func.func @gated_past(%q: tensor<2x2x1x8xf32>, %v: tensor<2x2x1x4xf32>,
                      %s0: tensor<2x2x8x4xf32>, %g: tensor<2x2x1x8xf32>) {
  // CHECK: attic.linear_attention %{{.*}}, %{{.*}}, %{{.*}} past(%{{.*}} : tensor<2x2x8x4xf32>) decay(%{{.*}} : tensor<2x2x1x8xf32>) {scale = 5.000000e-01 : f64, update_rule = #attic.update_rule<gated>}
  %o, %s = attic.linear_attention %q, %q, %v past(%s0 : tensor<2x2x8x4xf32>)
             decay(%g : tensor<2x2x1x8xf32>)
             {update_rule = #attic.update_rule<gated>, scale = 0.5 : f64}
             : tensor<2x2x1x8xf32>, tensor<2x2x1x8xf32>, tensor<2x2x1x4xf32>
             -> tensor<2x2x1x4xf32>, tensor<2x2x8x4xf32>
  return
}

// CHECK-LABEL: func.func @delta_rules
func.func @delta_rules(%q: tensor<1x2x?x8xf32>, %b: tensor<1x1x?xf32>,
                       %g: tensor<1x2x?xf32>) {
  // CHECK: beta(%{{.*}} : tensor<1x1x?xf32>) {update_rule = #attic.update_rule<delta>}
  %o, %s = attic.linear_attention %q, %q, %q beta(%b : tensor<1x1x?xf32>)
             {update_rule = #attic.update_rule<delta>}
             : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>
             -> tensor<1x2x?x8xf32>, tensor<1x2x8x8xf32>
  // CHECK: decay(%{{.*}} : tensor<1x2x?xf32>) beta(%{{.*}} : tensor<1x1x?xf32>) {update_rule = #attic.update_rule<gated_delta>}
  %o2, %s2 = attic.linear_attention %q, %q, %q decay(%g : tensor<1x2x?xf32>)
               beta(%b : tensor<1x1x?xf32>)
               {update_rule = #attic.update_rule<gated_delta>}
               : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>
               -> tensor<1x2x?x8xf32>, tensor<1x2x8x8xf32>
  return
}
