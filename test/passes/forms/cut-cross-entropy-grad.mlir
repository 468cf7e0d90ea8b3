// attic-cut-cross-entropy turns attic.linear_cross_entropy_grad into
// attic.cut_cross_entropy_grad with every operand and attribute kept, the
// block sizes added and the filtering threshold resolved: auto is the
// element type's machine epsilon / 32 (2^-28 for f32, 2^-12 for bf16,
// 2^-15 for f16), none is 0, the attribute's default.
// RUN: attic-opt %s --attic-cut-cross-entropy | FileCheck %s --check-prefixes=CHECK,DEFAULT
// RUN: attic-opt %s --attic-cut-cross-entropy='block-n=16 block-v=64 filter-eps=none sort-vocab' | FileCheck %s --check-prefixes=CHECK,OPTIONS
// RUN: attic-opt %s --attic-cut-cross-entropy='filter-eps=0.001' | FileCheck %s --check-prefixes=CHECK,NUMBER
// RUN: not attic-opt %s --attic-cut-cross-entropy='filter-eps=often' 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not attic-opt %s --attic-cut-cross-entropy='filter-eps=1.5' 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: attic-cut-cross-entropy: filter-eps must be 'auto', 'none' or a number in [0, 1), got '{{often|1.5}}'

// CHECK-LABEL: func.func @everything
// CHECK-SAME: (%[[H:[a-zA-Z0-9_]+]]: tensor<8x4xf32>, %[[W:[a-zA-Z0-9_]+]]: tensor<10x4xf32>, %[[Y:[a-zA-Z0-9_]+]]: tensor<8xi64>, %[[B:[a-zA-Z0-9_]+]]: tensor<10xf32>, %[[CW:[a-zA-Z0-9_]+]]: tensor<10xf32>, %[[G:[a-zA-Z0-9_]+]]: tensor<f32>, %[[LSE:[a-zA-Z0-9_]+]]: tensor<8xf32>)
// CHECK: attic.cut_cross_entropy_grad %[[H]], %[[W]], %[[Y]], %[[G]] bias(%[[B]] : tensor<10xf32>) weights(%[[CW]] : tensor<10xf32>) lse(%[[LSE]] : tensor<8xf32>)
// DEFAULT-SAME: block_n = 128 : i64, block_v = 512 : i64, filter_eps = 3.7252902984619141E-9 : f64
// (0, the default of filter_eps, is not printed.)
// OPTIONS-SAME: block_n = 16 : i64, block_v = 64 : i64, ignore_index
// NUMBER-SAME: filter_eps = 1.000000e-03 : f64
// CHECK-SAME: -1 : i64, kind = #attic.loss_kind<generalized_cross_entropy>, label_smoothing = 1.000000e-01 : f64, q = 5.000000e-01 : f64, reduction = #attic.reduction<sum>, softcap = 3.000000e+01
// DEFAULT-NOT: sort_vocab
// OPTIONS-SAME: sort_vocab
// CHECK-SAME: z_loss = 1.000000e-03 : f64
// CHECK-SAME: -> tensor<8x4xf32>, tensor<10x4xf32>, tensor<10xf32>
// CHECK-NOT: attic.linear_cross_entropy_grad
func.func @everything(%h: tensor<8x4xf32>, %w: tensor<10x4xf32>, %y: tensor<8xi64>, %b: tensor<10xf32>, %cw: tensor<10xf32>, %g: tensor<f32>, %lse: tensor<8xf32>) -> (tensor<8x4xf32>, tensor<10x4xf32>, tensor<10xf32>) {
  %dh, %dw, %db = attic.linear_cross_entropy_grad %h, %w, %y, %g bias(%b : tensor<10xf32>) weights(%cw : tensor<10xf32>) lse(%lse : tensor<8xf32>) {reduction = #attic.reduction<sum>, ignore_index = -1 : i64, label_smoothing = 0.1, z_loss = 0.001, softcap = 30.0, kind = #attic.loss_kind<generalized_cross_entropy>, q = 0.5} : tensor<8x4xf32>, tensor<10x4xf32>, tensor<8xi64>, tensor<f32> -> tensor<8x4xf32>, tensor<10x4xf32>, tensor<10xf32>
  return %dh, %dw, %db : tensor<8x4xf32>, tensor<10x4xf32>, tensor<10xf32>
}

// The automatic threshold follows the element type.
// CHECK-LABEL: func.func @bf16
// DEFAULT: filter_eps = 2.44140625E-4 : f64
func.func @bf16(%h: tensor<8x4xbf16>, %w: tensor<10x4xbf16>, %y: tensor<8xi32>, %g: tensor<8xbf16>) -> (tensor<8x4xbf16>, tensor<10x4xbf16>) {
  %dh, %dw = attic.linear_cross_entropy_grad %h, %w, %y, %g {reduction = #attic.reduction<none>} : tensor<8x4xbf16>, tensor<10x4xbf16>, tensor<8xi32>, tensor<8xbf16> -> tensor<8x4xbf16>, tensor<10x4xbf16>
  return %dh, %dw : tensor<8x4xbf16>, tensor<10x4xbf16>
}

// CHECK-LABEL: func.func @f16
// DEFAULT: filter_eps = 3.0517578125E-5 : f64
func.func @f16(%h: tensor<8x4xf16>, %w: tensor<10x4xf16>, %y: tensor<8xi64>, %g: tensor<f16>) -> (tensor<8x4xf16>, tensor<10x4xf16>) {
  %dh, %dw = attic.linear_cross_entropy_grad %h, %w, %y, %g : tensor<8x4xf16>, tensor<10x4xf16>, tensor<8xi64>, tensor<f16> -> tensor<8x4xf16>, tensor<10x4xf16>
  return %dh, %dw : tensor<8x4xf16>, tensor<10x4xf16>
}
