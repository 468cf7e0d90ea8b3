// The cut gradient with f16 and bf16 operands: both the reference and the
// cut form accumulate in f32 and round once to the result type, so they
// agree within two units in the last place of that type (bf16: 2^-7
// relative; f16: 2^-10), elementwise or relative to the largest entry.
// RUN: attic-run %s --function=bf16 --compare='attic-cut-cross-entropy{block-n=8 block-v=16 sort-vocab}' --rtol=7.8e-3 --atol-of-max=7.8e-3 | FileCheck %s --check-prefixes=CHECK,BIAS
// RUN: attic-run %s --function=f16 --compare='attic-cut-cross-entropy{block-n=8 block-v=16}' --rtol=9.8e-4 --atol-of-max=9.8e-4 | FileCheck %s

// CHECK: result 0 vs reference: {{.*}}: ok
// CHECK: result 1 vs reference: {{.*}}: ok
// BIAS: result 2 vs reference: {{.*}}: ok

func.func @bf16(%h: tensor<33x16xbf16>, %w: tensor<70x16xbf16>, %y: tensor<33xi64>, %b: tensor<70xbf16>, %g: tensor<33xbf16>) -> (tensor<33x16xbf16>, tensor<70x16xbf16>, tensor<70xbf16>) {
  %dh, %dw, %db = attic.linear_cross_entropy_grad %h, %w, %y, %g bias(%b : tensor<70xbf16>) {reduction = #attic.reduction<none>, label_smoothing = 0.1, softcap = 5.0} : tensor<33x16xbf16>, tensor<70x16xbf16>, tensor<33xi64>, tensor<33xbf16> -> tensor<33x16xbf16>, tensor<70x16xbf16>, tensor<70xbf16>
  return %dh, %dw, %db : tensor<33x16xbf16>, tensor<70x16xbf16>, tensor<70xbf16>
}
func.func @f16(%h: tensor<33x16xf16>, %w: tensor<70x16xf16>, %y: tensor<33xi64>, %g: tensor<f16>) -> (tensor<33x16xf16>, tensor<70x16xf16>) {
  %dh, %dw = attic.linear_cross_entropy_grad %h, %w, %y, %g {ignore_index = 3 : i64, z_loss = 0.01} : tensor<33x16xf16>, tensor<70x16xf16>, tensor<33xi64>, tensor<f16> -> tensor<33x16xf16>, tensor<70x16xf16>
  return %dh, %dw : tensor<33x16xf16>, tensor<70x16xf16>
}
