// Compiled functions never write their tensor arguments: every tensor
// argument of a defined function is marked read-only before bufferization.
// Without that, @shifted_beta computes (b + 1) / 2 in place of %b, so a
// second call on the same arrays (attic-run --compare calls the reference,
// then the candidate) sees a different beta and a different result.
// RUN: attic-opt %s --attic-cpu-read-only-arguments | FileCheck %s
// RUN: attic-run %s --function=shifted_beta --compare=canonicalize | FileCheck %s --check-prefix=CALL

// CHECK-LABEL: func.func @shifted_beta
// CHECK-SAME: (%{{.*}}: tensor<1x2x1x4xf32> {bufferization.writable = false}, %{{.*}}: tensor<1x2x1x4xf32> {bufferization.writable = false}, %{{.*}}: tensor<1x2x1x3xf32> {bufferization.writable = false}, %{{.*}}: tensor<1x2x1xf32> {bufferization.writable = false})
// CHECK-LABEL: func.func @kept
// CHECK-SAME: (%{{.*}}: tensor<64xf32> {bufferization.writable = true}, %{{.*}}: i32)
// CHECK-LABEL: func.func private @external
// CHECK-NOT: writable
// CALL: result 0 vs reference: {{.*}}: ok
// CALL: result 1 vs reference: {{.*}}: ok
func.func @shifted_beta(%q: tensor<1x2x1x4xf32>, %k: tensor<1x2x1x4xf32>, %v: tensor<1x2x1x3xf32>, %b: tensor<1x2x1xf32>) -> (tensor<1x2x1x3xf32>, tensor<1x2x4x3xf32>) {
  %one = arith.constant dense<1.0> : tensor<1x2x1xf32>
  %half = arith.constant dense<0.5> : tensor<1x2x1xf32>
  %b1 = arith.addf %b, %one : tensor<1x2x1xf32>
  %beta = arith.mulf %b1, %half : tensor<1x2x1xf32>
  %o, %s = attic.linear_attention %q, %k, %v beta(%beta : tensor<1x2x1xf32>) {update_rule = #attic.update_rule<delta>} : tensor<1x2x1x4xf32>, tensor<1x2x1x4xf32>, tensor<1x2x1x3xf32> -> tensor<1x2x1x3xf32>, tensor<1x2x4x3xf32>
  return %o, %s : tensor<1x2x1x3xf32>, tensor<1x2x4x3xf32>
}

// An explicit attribute is kept; other arguments get none.
func.func @kept(%y: tensor<64xf32> {bufferization.writable = true}, %n: i32) -> tensor<64xf32> {
  return %y : tensor<64xf32>
}

func.func private @external(tensor<8xf32>) -> tensor<8xf32>
