// Round trip of the loss ops: cross-entropy, the spherical Z-loss, their
// linear variants and gradients, and their cut forms.
// RUN: attic-opt %s | attic-opt | FileCheck %s
// RUN: attic-opt %s --mlir-print-op-generic | attic-opt | FileCheck %s

// CHECK-LABEL: func.func @cross_entropy
func.func @cross_entropy(%x: tensor<8x100xf32>, %y: tensor<8xi64>,
                         %w: tensor<100xf32>, %x4: tensor<2x10x3x5xbf16>,
                         %y4: tensor<2x3x5xi32>) {
  // Defaults (mean, no smoothing, no z-loss) are not printed.
  // CHECK: attic.cross_entropy %{{.*}}, %{{.*}} : tensor<8x100xf32>, tensor<8xi64> -> tensor<f32>
  %0 = attic.cross_entropy %x, %y : tensor<8x100xf32>, tensor<8xi64> -> tensor<f32>
  // CHECK: attic.cross_entropy %{{.*}}, %{{.*}} weights(%{{.*}} : tensor<100xf32>) {ignore_index = -100 : i64, label_smoothing = 1.000000e-01 : f64, reduction = #attic.reduction<sum>, z_loss = 1.000000e-04 : f64} : tensor<8x100xf32>, tensor<8xi64> -> tensor<f32>
  %1 = attic.cross_entropy %x, %y weights(%w : tensor<100xf32>)
         {ignore_index = -100 : i64, label_smoothing = 0.1 : f64,
          reduction = #attic.reduction<sum>, z_loss = 1.0e-4 : f64}
         : tensor<8x100xf32>, tensor<8xi64> -> tensor<f32>
  // CHECK: attic.cross_entropy %{{.*}}, %{{.*}} {reduction = #attic.reduction<none>} : tensor<2x10x3x5xbf16>, tensor<2x3x5xi32> -> tensor<2x3x5xbf16>, tensor<2x3x5xbf16>
  %2, %lse = attic.cross_entropy %x4, %y4 {reduction = #attic.reduction<none>}
         : tensor<2x10x3x5xbf16>, tensor<2x3x5xi32> -> tensor<2x3x5xbf16>, tensor<2x3x5xbf16>
  return
}

// CHECK-LABEL: func.func @nll_loss
func.func @nll_loss(%lp: tensor<8x100xf32>, %y: tensor<8xi64>,
                    %w: tensor<100xf32>, %lp4: tensor<2x10x3x?xf16>,
                    %y4: tensor<2x3x?xi32>) {
  // CHECK: attic.nll_loss %{{.*}}, %{{.*}} : tensor<8x100xf32>, tensor<8xi64> -> tensor<f32>
  %0 = attic.nll_loss %lp, %y : tensor<8x100xf32>, tensor<8xi64> -> tensor<f32>
  // CHECK: attic.nll_loss %{{.*}}, %{{.*}} weights(%{{.*}} : tensor<100xf32>) {ignore_index = -1 : i64, reduction = #attic.reduction<sum>} : tensor<8x100xf32>, tensor<8xi64> -> tensor<f32>
  %1 = attic.nll_loss %lp, %y weights(%w : tensor<100xf32>)
         {ignore_index = -1 : i64, reduction = #attic.reduction<sum>}
         : tensor<8x100xf32>, tensor<8xi64> -> tensor<f32>
  // CHECK: attic.nll_loss %{{.*}}, %{{.*}} {reduction = #attic.reduction<none>} : tensor<2x10x3x?xf16>, tensor<2x3x?xi32> -> tensor<2x3x?xf16>
  %2 = attic.nll_loss %lp4, %y4 {reduction = #attic.reduction<none>}
         : tensor<2x10x3x?xf16>, tensor<2x3x?xi32> -> tensor<2x3x?xf16>
  return
}

// CHECK-LABEL: func.func @linear_cross_entropy
func.func @linear_cross_entropy(%h: tensor<?x64xf32>, %c: tensor<1000x64xf32>,
                                %y: tensor<?xi64>, %b: tensor<1000xf32>) {
  // CHECK: attic.linear_cross_entropy %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x64xf32>, tensor<1000x64xf32>, tensor<?xi64> -> tensor<f32>
  %0 = attic.linear_cross_entropy %h, %c, %y
         : tensor<?x64xf32>, tensor<1000x64xf32>, tensor<?xi64> -> tensor<f32>
  // CHECK: attic.linear_cross_entropy %{{.*}}, %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<1000xf32>) weights(%{{.*}} : tensor<1000xf32>) {ignore_index = 0 : i64, reduction = #attic.reduction<none>, softcap = 3.000000e+01 : f64, z_loss = 1.000000e-04 : f64} : tensor<?x64xf32>, tensor<1000x64xf32>, tensor<?xi64> -> tensor<?xf32>, tensor<?xf32>
  %1, %lse = attic.linear_cross_entropy %h, %c, %y bias(%b : tensor<1000xf32>)
         weights(%b : tensor<1000xf32>)
         {ignore_index = 0 : i64, reduction = #attic.reduction<none>,
          softcap = 30.0 : f64, z_loss = 1.0e-4 : f64}
         : tensor<?x64xf32>, tensor<1000x64xf32>, tensor<?xi64> -> tensor<?xf32>, tensor<?xf32>
  // CHECK: attic.linear_cross_entropy %{{.*}}, %{{.*}}, %{{.*}} {kind = #attic.loss_kind<generalized_cross_entropy>, label_smoothing = 1.000000e-01 : f64, q = 0.69999999999999996 : f64} : tensor<?x64xf32>, tensor<1000x64xf32>, tensor<?xi64> -> tensor<f32>
  %2 = attic.linear_cross_entropy %h, %c, %y
         {kind = #attic.loss_kind<generalized_cross_entropy>, q = 0.7,
          label_smoothing = 0.1}
         : tensor<?x64xf32>, tensor<1000x64xf32>, tensor<?xi64> -> tensor<f32>
  // CHECK: attic.linear_cross_entropy %{{.*}}, %{{.*}}, %{{.*}} {kind = #attic.loss_kind<sum_exponential>} : tensor<?x64xf32>, tensor<1000x64xf32>, tensor<?xi64> -> tensor<f32>
  %3 = attic.linear_cross_entropy %h, %c, %y
         {kind = #attic.loss_kind<sum_exponential>}
         : tensor<?x64xf32>, tensor<1000x64xf32>, tensor<?xi64> -> tensor<f32>
  return
}

// CHECK-LABEL: func.func @linear_cross_entropy_grad
func.func @linear_cross_entropy_grad(%h: tensor<?x64xf32>, %c: tensor<1000x64xf32>,
                                     %y: tensor<?xi64>, %b: tensor<1000xf32>,
                                     %g: tensor<f32>, %gn: tensor<?xf32>,
                                     %lse: tensor<?xf32>) {
  // CHECK: attic.linear_cross_entropy_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x64xf32>, tensor<1000x64xf32>, tensor<?xi64>, tensor<f32> -> tensor<?x64xf32>, tensor<1000x64xf32>
  %0:2 = attic.linear_cross_entropy_grad %h, %c, %y, %g
         : tensor<?x64xf32>, tensor<1000x64xf32>, tensor<?xi64>, tensor<f32>
         -> tensor<?x64xf32>, tensor<1000x64xf32>
  // CHECK: attic.linear_cross_entropy_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<1000xf32>) weights(%{{.*}} : tensor<1000xf32>) lse(%{{.*}} : tensor<?xf32>) {ignore_index = 0 : i64, label_smoothing = 1.000000e-01 : f64, reduction = #attic.reduction<none>, softcap = 3.000000e+01 : f64, z_loss = 1.000000e-04 : f64} : tensor<?x64xf32>, tensor<1000x64xf32>, tensor<?xi64>, tensor<?xf32> -> tensor<?x64xf32>, tensor<1000x64xf32>, tensor<1000xf32>
  %1:3 = attic.linear_cross_entropy_grad %h, %c, %y, %gn bias(%b : tensor<1000xf32>)
         weights(%b : tensor<1000xf32>) lse(%lse : tensor<?xf32>)
         {ignore_index = 0 : i64, reduction = #attic.reduction<none>,
          softcap = 30.0 : f64, z_loss = 1.0e-4 : f64, label_smoothing = 0.1}
         : tensor<?x64xf32>, tensor<1000x64xf32>, tensor<?xi64>, tensor<?xf32>
         -> tensor<?x64xf32>, tensor<1000x64xf32>, tensor<1000xf32>
  // CHECK: attic.cut_cross_entropy_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<1000xf32>) {block_n = 64 : i64, block_v = 256 : i64, filter_eps = 1.000000e-03 : f64, sort_vocab} : tensor<?x64xf32>, tensor<1000x64xf32>, tensor<?xi64>, tensor<f32> -> tensor<?x64xf32>, tensor<1000x64xf32>, tensor<1000xf32>
  %2:3 = attic.cut_cross_entropy_grad %h, %c, %y, %g bias(%b : tensor<1000xf32>)
         {block_n = 64, block_v = 256, filter_eps = 1.0e-3, sort_vocab}
         : tensor<?x64xf32>, tensor<1000x64xf32>, tensor<?xi64>, tensor<f32>
         -> tensor<?x64xf32>, tensor<1000x64xf32>, tensor<1000xf32>
  return
}

// CHECK-LABEL: func.func @spherical_z_loss
// CHECK: attic.spherical_z_loss %{{.*}}, %{{.*}} weights(%{{.*}} : tensor<32xf32>) {a = 1.000000e-01 : f64, b = 2.000000e+01 : f64, ignore_index = -100 : i64, reduction = #attic.reduction<none>} : tensor<8x32xf32>, tensor<8xi64> -> tensor<8xf32>
// CHECK: attic.linear_spherical_z_loss %{{.*}}, %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<32xf32>) {a = 5.000000e-01 : f64, b = 2.000000e+00 : f64, softcap = 3.000000e+01 : f64} : tensor<8x16xf32>, tensor<32x16xf32>, tensor<8xi64> -> tensor<f32>
// CHECK: attic.linear_spherical_z_loss_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<32xf32>) {a = 5.000000e-01 : f64, b = 2.000000e+00 : f64, reduction = #attic.reduction<none>} : tensor<8x16xf32>, tensor<32x16xf32>, tensor<8xi64>, tensor<8xf32> -> tensor<8x16xf32>, tensor<32x16xf32>, tensor<32xf32>
func.func @spherical_z_loss(%x: tensor<8x32xf32>, %y: tensor<8xi64>, %w: tensor<32xf32>, %h: tensor<8x16xf32>, %c: tensor<32x16xf32>) -> (tensor<8xf32>, tensor<f32>) {
  %l = attic.spherical_z_loss %x, %y weights(%w : tensor<32xf32>) {a = 0.1, b = 20.0, ignore_index = -100 : i64, reduction = #attic.reduction<none>} : tensor<8x32xf32>, tensor<8xi64> -> tensor<8xf32>
  %m = attic.linear_spherical_z_loss %h, %c, %y bias(%w : tensor<32xf32>) {a = 0.5, b = 2.0, softcap = 30.0} : tensor<8x16xf32>, tensor<32x16xf32>, tensor<8xi64> -> tensor<f32>
  %dh, %dc, %db = attic.linear_spherical_z_loss_grad %h, %c, %y, %l bias(%w : tensor<32xf32>) {a = 0.5, b = 2.0, reduction = #attic.reduction<none>} : tensor<8x16xf32>, tensor<32x16xf32>, tensor<8xi64>, tensor<8xf32> -> tensor<8x16xf32>, tensor<32x16xf32>, tensor<32xf32>
  return %l, %m : tensor<8xf32>, tensor<f32>
}

// CHECK-LABEL: func.func @cut_spherical_z_loss
// CHECK: attic.cut_spherical_z_loss %{{.*}}, %{{.*}}, %{{.*}} weights(%{{.*}} : tensor<32xf32>) {a = 5.000000e-01 : f64, b = 2.000000e+00 : f64, block_n = 4 : i64, block_v = 8 : i64, ignore_index = -1 : i64} : tensor<8x16xf32>, tensor<32x16xf32>, tensor<8xi64> -> tensor<f32>
// CHECK: attic.cut_spherical_z_loss_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<32xf32>) {a = 5.000000e-01 : f64, b = 2.000000e+00 : f64, block_n = 4 : i64, block_v = 8 : i64, softcap = 3.000000e+01 : f64} : tensor<8x16xf32>, tensor<32x16xf32>, tensor<8xi64>, tensor<f32> -> tensor<8x16xf32>, tensor<32x16xf32>, tensor<32xf32>
func.func @cut_spherical_z_loss(%y: tensor<8xi64>, %w: tensor<32xf32>, %h: tensor<8x16xf32>, %c: tensor<32x16xf32>) -> tensor<f32> {
  %m = attic.cut_spherical_z_loss %h, %c, %y weights(%w : tensor<32xf32>) {a = 0.5, b = 2.0, ignore_index = -1 : i64, block_n = 4, block_v = 8} : tensor<8x16xf32>, tensor<32x16xf32>, tensor<8xi64> -> tensor<f32>
  %dh, %dc, %db = attic.cut_spherical_z_loss_grad %h, %c, %y, %m bias(%w : tensor<32xf32>) {a = 0.5, b = 2.0, softcap = 30.0, block_n = 4, block_v = 8} : tensor<8x16xf32>, tensor<32x16xf32>, tensor<8xi64>, tensor<f32> -> tensor<8x16xf32>, tensor<32x16xf32>, tensor<32xf32>
  return %m : tensor<f32>
}
