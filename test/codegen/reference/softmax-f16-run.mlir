// f16 and bf16 inputs accumulate in f32: a row of 4096 equal values sums to
// 4096 exactly in f32 (an f16 accumulator stops growing at 2048), so each
// probability is exactly 1/4096 = 0.000244141 and the log-sum-exp is
// log(4096) = 8.31777 (f16 rounds it to 8.3125).
// RUN: attic-opt %s --attic-cpu-pipeline | %run_main | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %h = arith.constant dense<0.5> : tensor<1x4096xf16>
  %s = attic.softmax %h, axis = 1 : tensor<1x4096xf16>
  %s32 = arith.extf %s : tensor<1x4096xf16> to tensor<1x4096xf32>
  %first = tensor.extract_slice %s32[0, 0] [1, 4] [1, 1] : tensor<1x4096xf32> to tensor<1x4xf32>
  %u = tensor.cast %first : tensor<1x4xf32> to tensor<*xf32>
  // CHECK: [0.000244141, 0.000244141, 0.000244141, 0.000244141]
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()

  %b = arith.constant dense<0.5> : tensor<4096xbf16>
  %l = attic.logsumexp %b, axis = 0 : tensor<4096xbf16> -> tensor<bf16>
  %l32 = arith.extf %l : tensor<bf16> to tensor<f32>
  %lu = tensor.cast %l32 : tensor<f32> to tensor<*xf32>
  // log(4096) + 0.5 = 8.81777, rounded to bf16 = 8.8125.
  // CHECK: [8.8125]
  call @printMemrefF32(%lu) : (tensor<*xf32>) -> ()
  return
}
