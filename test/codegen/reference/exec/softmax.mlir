// The softmax family against the naive float64 reference, on rows of +-1e4,
// rows that are entirely -inf (softmax 0, log_softmax and logsumexp -inf)
// and rows that are partly -inf; f16 and bf16 inputs accumulate in f32.
// RUN: rm -rf %t
// RUN: %naive softmax_rows %t/a && attic-run %s --function=softmax_rows --data-set=%t/a | FileCheck %s
// The scalar pipeline gives the same answers:
// RUN: attic-run %s --function=softmax_rows --data-set=%t/a --vectorize=false | FileCheck %s
// RUN: %naive softmax_axis0 %t/b && attic-run %s --function=softmax_axis0 --data-set=%t/b | FileCheck %s
// RUN: %naive log_softmax_rows %t/c && attic-run %s --function=log_softmax_rows --data-set=%t/c | FileCheck %s
// RUN: %naive logsumexp_keep_dim %t/d && attic-run %s --function=logsumexp_keep_dim --data-set=%t/d | FileCheck %s
// RUN: %naive logsumexp_last %t/e && attic-run %s --function=logsumexp_last --data-set=%t/e | FileCheck %s
// RUN: %naive softmax_f16 %t/f && attic-run %s --function=softmax_f16 --data-set=%t/f --rtol=1e-3 --atol=1e-4 | FileCheck %s
// RUN: %naive softmax_bf16 %t/g && attic-run %s --function=softmax_bf16 --data-set=%t/g --rtol=1e-2 --atol=1e-3 | FileCheck %s

// CHECK: result 0 vs {{.*}}output_0.npy: {{.*}}: ok

func.func @softmax_rows(%x: tensor<5x37xf32>) -> tensor<5x37xf32> {
  %y = attic.softmax %x, axis = 1 : tensor<5x37xf32>
  return %y : tensor<5x37xf32>
}

func.func @softmax_axis0(%x: tensor<5x3x4xf32>) -> tensor<5x3x4xf32> {
  %y = attic.softmax %x, axis = -3 : tensor<5x3x4xf32>
  return %y : tensor<5x3x4xf32>
}

func.func @log_softmax_rows(%x: tensor<5x37xf32>) -> tensor<5x37xf32> {
  %y = attic.log_softmax %x, axis = 1 : tensor<5x37xf32>
  return %y : tensor<5x37xf32>
}

func.func @logsumexp_keep_dim(%x: tensor<6x4x3xf32>) -> tensor<6x1x3xf32> {
  %y = attic.logsumexp %x, axis = 1 {keep_dim} : tensor<6x4x3xf32> -> tensor<6x1x3xf32>
  return %y : tensor<6x1x3xf32>
}

func.func @logsumexp_last(%x: tensor<4x2x9xf32>) -> tensor<4x2xf32> {
  %y = attic.logsumexp %x, axis = 2 : tensor<4x2x9xf32> -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

func.func @softmax_f16(%x: tensor<4x50xf16>) -> tensor<4x50xf16> {
  %y = attic.softmax %x, axis = 1 : tensor<4x50xf16>
  return %y : tensor<4x50xf16>
}

func.func @softmax_bf16(%x: tensor<4x50xbf16>) -> tensor<4x50xbf16> {
  %y = attic.softmax %x, axis = 1 : tensor<4x50xbf16>
  return %y : tensor<4x50xbf16>
}
