// Round trip of attic.attention with every operand and attribute.
// RUN: attic-opt %s | attic-opt | FileCheck %s
// RUN: attic-opt %s --mlir-print-op-generic | attic-opt | FileCheck %s

// CHECK-LABEL: func.func @plain
// CHECK-SAME: (%[[Q:[a-zA-Z0-9_]+]]: tensor<2x8x16x64xf32>, %[[K:[a-zA-Z0-9_]+]]: tensor<2x8x32x64xf32>, %[[V:[a-zA-Z0-9_]+]]: tensor<2x8x32x48xf32>)
func.func @plain(%q: tensor<2x8x16x64xf32>, %k: tensor<2x8x32x64xf32>,
                 %v: tensor<2x8x32x48xf32>) -> tensor<2x8x16x48xf32> {
  // The default kernel (softmax) and the absent scale are not printed.
  // CHECK: attic.attention %[[Q]], %[[K]], %[[V]] :
  // CHECK-SAME: tensor<2x8x16x64xf32>, tensor<2x8x32x64xf32>, tensor<2x8x32x48xf32> -> tensor<2x8x16x48xf32>
  // CHECK-NOT: kernel
  %o = attic.attention %q, %k, %v
         : tensor<2x8x16x64xf32>, tensor<2x8x32x64xf32>, tensor<2x8x32x48xf32>
         -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// CHECK-LABEL: func.func @everything
func.func @everything(%q: tensor<2x8x4x64xf16>, %k: tensor<2x2x32x64xf16>,
                      %v: tensor<2x2x32x64xf16>, %m: tensor<1x1x4x32xf16>,
                      %len: tensor<2xi32>) -> tensor<2x8x4x64xf16> {
  // CHECK: attic.attention %{{.*}}, %{{.*}}, %{{.*}} mask(%{{.*}} : tensor<1x1x4x32xf16>) kv_lengths(%{{.*}} : tensor<2xi32>)
  // CHECK-SAME: {causal, kernel = #attic.kernel<softplus>, left_window = 8 : i64, reweight_power = 3.000000e+00 : f64, right_window = 0 : i64, scale = 1.250000e-01 : f64, softcap = 5.000000e+01 : f64, train_length = 1024 : i64}
  %o = attic.attention %q, %k, %v mask(%m : tensor<1x1x4x32xf16>)
         kv_lengths(%len : tensor<2xi32>)
         {causal, kernel = #attic.kernel<softplus>, left_window = 8 : i64,
          right_window = 0 : i64, scale = 0.125 : f64, softcap = 50.0 : f64,
          train_length = 1024 : i64, reweight_power = 3.0 : f64}
         : tensor<2x8x4x64xf16>, tensor<2x2x32x64xf16>, tensor<2x2x32x64xf16>
         -> tensor<2x8x4x64xf16>
  return %o : tensor<2x8x4x64xf16>
}

// CHECK-LABEL: func.func @kernels
func.func @kernels(%q: tensor<1x4x?x32xf32>, %k: tensor<1x1x?x32xf32>,
                   %m: tensor<?x?xi1>) {
  // CHECK: {kernel = #attic.kernel<elu_plus_one>}
  %0 = attic.attention %q, %k, %k mask(%m : tensor<?x?xi1>)
         {kernel = #attic.kernel<elu_plus_one>}
         : tensor<1x4x?x32xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x32xf32>
         -> tensor<1x4x?x32xf32>
  // CHECK: {kernel = #attic.kernel<relu>}
  %1 = attic.attention %q, %k, %k {kernel = #attic.kernel<relu>}
         : tensor<1x4x?x32xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x32xf32>
         -> tensor<1x4x?x32xf32>
  // CHECK: {kernel = #attic.kernel<gaussian>, scale = 2.500000e-01 : f64}
  %2 = attic.attention %q, %k, %k {kernel = #attic.kernel<gaussian>, scale = 0.25 : f64}
         : tensor<1x4x?x32xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x32xf32>
         -> tensor<1x4x?x32xf32>
  return
}
