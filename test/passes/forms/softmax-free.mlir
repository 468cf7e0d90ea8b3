// attic-softmax-free replaces the softmax kernel of the attention ops its
// filter selects (by location name or function name; all by default) and
// leaves the rest, warning about selected ops the new kernel cannot express.
// RUN: attic-opt %s --attic-softmax-free | FileCheck %s --check-prefix=ALL
// RUN: attic-opt %s --attic-softmax-free='filter=^decoder/ train-length=512 reweight-power=3' | FileCheck %s --check-prefix=DEC
// RUN: attic-opt %s --attic-softmax-free='kernel=elu_plus_one filter=encoder' 2>&1 | FileCheck %s --check-prefix=ELU
// RUN: attic-opt %s --attic-softmax-free='kernel=gaussian filter=@?cross' | FileCheck %s --check-prefix=GAUSS
// RUN: not attic-opt %s --attic-softmax-free=kernel=softmax 2>&1 | FileCheck %s --check-prefix=BAD-KERNEL
// RUN: not attic-opt %s --attic-softmax-free='kernel=relu reweight-power=2' 2>&1 | FileCheck %s --check-prefix=BAD-POWER
// RUN: not attic-opt %s --attic-softmax-free='train-length=1' 2>&1 | FileCheck %s --check-prefix=BAD-LENGTH
// RUN: not attic-opt %s --attic-softmax-free='reweight-power=-1.5' 2>&1 | FileCheck %s --check-prefix=BAD-SIGN
// RUN: not attic-opt %s --attic-softmax-free='kernel=cosine' 2>&1 | FileCheck %s --check-prefix=BAD-NAME
// RUN: not attic-opt %s --attic-softmax-free='filter=[a' 2>&1 | FileCheck %s --check-prefix=BAD-FILTER

// ALL-LABEL: func.func @blocks
// ALL: attic.attention {{.*}}{causal, kernel = #attic.kernel<softplus>, softcap = 4.000000e+00 : f64}
// ALL: attic.attention {{.*}}mask({{.*}}) {kernel = #attic.kernel<softplus>, scale = 5.000000e-01 : f64}
// ALL: attic.attention {{.*}}{kernel = #attic.kernel<relu>}
// DEC-LABEL: func.func @blocks
// DEC: attic.attention {{.*}}{causal, kernel = #attic.kernel<softplus>, reweight_power = 3.000000e+00 : f64, softcap = 4.000000e+00 : f64, train_length = 512 : i64}
// DEC: attic.attention {{.*}}mask({{.*}}) {scale = 5.000000e-01 : f64}
// ELU: warning: attic-softmax-free: left alone: its float mask adds to logits, which the 'elu_plus_one' kernel does not have
// ELU-LABEL: func.func @blocks
// ELU: attic.attention {{.*}}{causal, softcap = 4.000000e+00 : f64}
// ELU: attic.attention {{.*}}mask({{.*}}) {scale = 5.000000e-01 : f64}
// ELU-LABEL: func.func @cross
// ELU: attic.attention %{{.*}} : tensor
func.func @blocks(%q: tensor<1x2x8x4xf32>, %k: tensor<1x2x8x4xf32>, %v: tensor<1x2x8x4xf32>, %m: tensor<8x8xf32>) -> tensor<1x2x8x4xf32> {
  %0 = attic.attention %q, %k, %v {causal, softcap = 4.0} : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32> loc("decoder/layer0/attn")
  %1 = attic.attention %0, %k, %v mask(%m : tensor<8x8xf32>) {scale = 0.5} : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32> loc(fused["encoder/attn", "model.mlir":3:4])
  // Another kernel already: never touched.
  %2 = attic.attention %1, %k, %v {kernel = #attic.kernel<relu>} : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32> loc("decoder/layer1/attn")
  return %2 : tensor<1x2x8x4xf32>
}

// The function name selects too; the gaussian kernel keeps the scale.
// GAUSS-LABEL: func.func @blocks
// GAUSS-NOT: gaussian
// GAUSS-LABEL: func.func @cross
// GAUSS: attic.attention {{.*}}{kernel = #attic.kernel<gaussian>, scale = 2.500000e-01 : f64}
func.func @cross(%q: tensor<1x2x8x4xf32>, %k: tensor<1x2x8x4xf32>, %v: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %0 = attic.attention %q, %k, %v {scale = 0.25} : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32>
  return %0 : tensor<1x2x8x4xf32>
}

// BAD-KERNEL: attic-softmax-free: kernel must be softplus, elu_plus_one, relu, squared_relu or gaussian, got 'softmax'
// BAD-POWER: attic-softmax-free: train_length and reweight_power apply to the softplus kernel, not 'relu'
// BAD-LENGTH: attic-softmax-free: train_length must be at least 2, got 1
// BAD-SIGN: attic-softmax-free: reweight_power must be positive and finite, got -1.5
// BAD-NAME: attic-softmax-free: kernel must be softplus, elu_plus_one, relu, squared_relu or gaussian, got 'cosine'
// BAD-FILTER: attic-softmax-free: filter '[a' is not a regular expression: brackets ([ ]) not balanced
