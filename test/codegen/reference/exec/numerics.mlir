// The numerics contract (docs/Numerics.md) on cases whose answers are exact.
// RUN: attic-run %s --function=f16_accumulates_in_f32 --print | FileCheck %s --check-prefix=F16
// RUN: attic-run %s --function=huge_logits --print | FileCheck %s --check-prefix=HUGE
// RUN: attic-run %s --function=fully_masked --print | FileCheck %s --check-prefix=MASKED

// 4096 equal f16 logits: each probability is 2^-12 = 0.000244140625, exact
// in f16. Summing the exponentials in f16 would stop at 2048 (2048 + 1
// rounds to 2048) and give 2^-11 instead.
// F16: result 0: tensor<4096xf16>
// F16-NEXT: 0.000244141 0.000244141
// F16-NOT: 0.000488281
func.func @f16_accumulates_in_f32() -> tensor<4096xf16> {
  %x = arith.constant dense<3.0> : tensor<4096xf16>
  %y = attic.softmax %x, axis = 0 : tensor<4096xf16>
  return %y : tensor<4096xf16>
}

// Logits of +-1e4 neither overflow nor give NaN: the row maximum is
// subtracted first. softmax([1e4, 1e4 - 1, -1e4]) = [1/(1+e^-1), e^-1/(1+e^-1), 0].
// HUGE: result 0: tensor<3xf32>
// HUGE-NEXT: 0.731059 0.268941 0
func.func @huge_logits() -> tensor<3xf32> {
  %x = arith.constant dense<[1.0e4, 9999.0, -1.0e4]> : tensor<3xf32>
  %y = attic.softmax %x, axis = 0 : tensor<3xf32>
  return %y : tensor<3xf32>
}

// A query row whose keys are all masked (-inf float mask, or causal with no
// key left by kv_lengths) gives 0, never NaN; the other row is the mean of
// the values (q = 0 gives equal weights).
// MASKED: result 0: tensor<1x1x2x2xf32>
// MASKED-NEXT: 0 0
// MASKED-NEXT: 2 20
func.func @fully_masked() -> tensor<1x1x2x2xf32> {
  %q = arith.constant dense<0.0> : tensor<1x1x2x2xf32>
  %k = arith.constant dense<1.0> : tensor<1x1x3x2xf32>
  %v = arith.constant dense<[[[[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]]]]> : tensor<1x1x3x2xf32>
  %m = arith.constant dense<[[0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0]]> : tensor<2x3xf32>
  %o = attic.attention %q, %k, %v mask(%m : tensor<2x3xf32>) : tensor<1x1x2x2xf32>, tensor<1x1x3x2xf32>, tensor<1x1x3x2xf32> -> tensor<1x1x2x2xf32>
  return %o : tensor<1x1x2x2xf32>
}
