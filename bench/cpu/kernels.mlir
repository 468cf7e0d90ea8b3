// Kernels of the CPU benchmark (bench/cpu/run.sh): the reference lowering of
// softmax, causal attention and cross-entropy at sizes that take tens of
// milliseconds on one core.

func.func @softmax(%x: tensor<256x4096xf32>) -> tensor<256x4096xf32> {
  %y = attic.softmax %x, axis = 1 : tensor<256x4096xf32>
  return %y : tensor<256x4096xf32>
}

func.func @attention(%q: tensor<1x8x512x64xf32>, %k: tensor<1x8x512x64xf32>, %v: tensor<1x8x512x64xf32>) -> tensor<1x8x512x64xf32> {
  %o = attic.attention %q, %k, %v {causal} : tensor<1x8x512x64xf32>, tensor<1x8x512x64xf32>, tensor<1x8x512x64xf32> -> tensor<1x8x512x64xf32>
  return %o : tensor<1x8x512x64xf32>
}

func.func @cross_entropy(%x: tensor<512x8192xf32>, %l: tensor<512xi64>) -> tensor<f32> {
  %y = attic.cross_entropy %x, %l : tensor<512x8192xf32>, tensor<512xi64> -> tensor<f32>
  return %y : tensor<f32>
}
