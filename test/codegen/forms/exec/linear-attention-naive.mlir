// attic.chunked_linear_attention against the naive float64 token-by-token
// recurrence of test/utils/naive.py: every update rule, grouped-query heads,
// past state, per-head and per-key decay, per-head and shared beta, one
// decoding step (T = 1), and sequences of 45 and 70 steps, which take
// several chunks of 16 and a padded last one. Every op is rewritten
// (min-chunked-length=1); the output and the final state are both checked.
// RUN: rm -rf %t && mkdir -p %t
// RUN: attic-opt %s --attic-linear-attention='chunk-size=16 min-chunked-length=1' -o %t/chunked.mlir
// RUN: FileCheck %s --check-prefix=FORM < %t/chunked.mlir
// RUN: %naive la_linear %t/la_linear && attic-run %t/chunked.mlir --function=la_linear --data-set=%t/la_linear | FileCheck %s
// RUN: %naive la_gated_head %t/la_gated_head && attic-run %t/chunked.mlir --function=la_gated_head --data-set=%t/la_gated_head | FileCheck %s
// RUN: %naive la_gated_key %t/la_gated_key && attic-run %t/chunked.mlir --function=la_gated_key --data-set=%t/la_gated_key | FileCheck %s
// RUN: %naive la_delta %t/la_delta && attic-run %t/chunked.mlir --function=la_delta --data-set=%t/la_delta | FileCheck %s
// RUN: %naive la_delta_shared_beta %t/la_delta_shared_beta && attic-run %t/chunked.mlir --function=la_delta_shared_beta --data-set=%t/la_delta_shared_beta | FileCheck %s
// RUN: %naive la_gated_delta %t/la_gated_delta && attic-run %t/chunked.mlir --function=la_gated_delta --data-set=%t/la_gated_delta | FileCheck %s
// RUN: %naive la_gated_delta_step %t/la_gated_delta_step && attic-run %t/chunked.mlir --function=la_gated_delta_step --data-set=%t/la_gated_delta_step | FileCheck %s
// RUN: %naive la_long_linear %t/la_long_linear && attic-run %t/chunked.mlir --function=la_long_linear --data-set=%t/la_long_linear | FileCheck %s
// RUN: %naive la_long_gated_key %t/la_long_gated_key && attic-run %t/chunked.mlir --function=la_long_gated_key --data-set=%t/la_long_gated_key | FileCheck %s
// RUN: %naive la_long_delta %t/la_long_delta && attic-run %t/chunked.mlir --function=la_long_delta --data-set=%t/la_long_delta | FileCheck %s
// RUN: %naive la_long_gated_delta %t/la_long_gated_delta && attic-run %t/chunked.mlir --function=la_long_gated_delta --data-set=%t/la_long_gated_delta | FileCheck %s
// RUN: %naive la_long_gated_delta_key %t/la_long_gated_delta_key && attic-run %t/chunked.mlir --function=la_long_gated_delta_key --data-set=%t/la_long_gated_delta_key | FileCheck %s

// FORM-COUNT-12: attic.chunked_linear_attention
// FORM-NOT: attic.linear_attention

// CHECK: result 0 vs {{.*}}output_0.npy: {{.*}}: ok
// CHECK: result 1 vs {{.*}}output_1.npy: {{.*}}: ok

func.func @la_linear(%q: tensor<1x2x5x3xf32>, %k: tensor<1x1x5x3xf32>, %v: tensor<1x1x5x4xf32>) -> (tensor<1x2x5x4xf32>, tensor<1x1x3x4xf32>) {
  %o, %s = attic.linear_attention %q, %k, %v : tensor<1x2x5x3xf32>, tensor<1x1x5x3xf32>, tensor<1x1x5x4xf32> -> tensor<1x2x5x4xf32>, tensor<1x1x3x4xf32>
  return %o, %s : tensor<1x2x5x4xf32>, tensor<1x1x3x4xf32>
}

func.func @la_gated_head(%q: tensor<2x2x5x3xf32>, %k: tensor<2x2x5x3xf32>, %v: tensor<2x2x5x2xf32>, %p: tensor<2x2x3x2xf32>, %g: tensor<2x2x5xf32>) -> (tensor<2x2x5x2xf32>, tensor<2x2x3x2xf32>) {
  %o, %s = attic.linear_attention %q, %k, %v past(%p : tensor<2x2x3x2xf32>) decay(%g : tensor<2x2x5xf32>) {update_rule = #attic.update_rule<gated>, scale = 0.5} : tensor<2x2x5x3xf32>, tensor<2x2x5x3xf32>, tensor<2x2x5x2xf32> -> tensor<2x2x5x2xf32>, tensor<2x2x3x2xf32>
  return %o, %s : tensor<2x2x5x2xf32>, tensor<2x2x3x2xf32>
}

func.func @la_gated_key(%q: tensor<1x4x4x3xf32>, %k: tensor<1x2x4x3xf32>, %v: tensor<1x2x4x2xf32>, %g: tensor<1x2x4x3xf32>) -> (tensor<1x4x4x2xf32>, tensor<1x2x3x2xf32>) {
  %o, %s = attic.linear_attention %q, %k, %v decay(%g : tensor<1x2x4x3xf32>) {update_rule = #attic.update_rule<gated>} : tensor<1x4x4x3xf32>, tensor<1x2x4x3xf32>, tensor<1x2x4x2xf32> -> tensor<1x4x4x2xf32>, tensor<1x2x3x2xf32>
  return %o, %s : tensor<1x4x4x2xf32>, tensor<1x2x3x2xf32>
}

func.func @la_delta(%q: tensor<1x2x5x3xf32>, %k: tensor<1x2x5x3xf32>, %v: tensor<1x2x5x3xf32>, %p: tensor<1x2x3x3xf32>, %b: tensor<1x2x5xf32>) -> (tensor<1x2x5x3xf32>, tensor<1x2x3x3xf32>) {
  %o, %s = attic.linear_attention %q, %k, %v past(%p : tensor<1x2x3x3xf32>) beta(%b : tensor<1x2x5xf32>) {update_rule = #attic.update_rule<delta>} : tensor<1x2x5x3xf32>, tensor<1x2x5x3xf32>, tensor<1x2x5x3xf32> -> tensor<1x2x5x3xf32>, tensor<1x2x3x3xf32>
  return %o, %s : tensor<1x2x5x3xf32>, tensor<1x2x3x3xf32>
}

func.func @la_delta_shared_beta(%q: tensor<2x4x3x2xf32>, %k: tensor<2x2x3x2xf32>, %v: tensor<2x2x3x3xf32>, %b: tensor<2x1x3xf32>) -> (tensor<2x4x3x3xf32>, tensor<2x2x2x3xf32>) {
  %o, %s = attic.linear_attention %q, %k, %v beta(%b : tensor<2x1x3xf32>) {update_rule = #attic.update_rule<delta>} : tensor<2x4x3x2xf32>, tensor<2x2x3x2xf32>, tensor<2x2x3x3xf32> -> tensor<2x4x3x3xf32>, tensor<2x2x2x3xf32>
  return %o, %s : tensor<2x4x3x3xf32>, tensor<2x2x2x3xf32>
}

func.func @la_gated_delta(%q: tensor<2x2x4x3xf32>, %k: tensor<2x1x4x3xf32>, %v: tensor<2x1x4x2xf32>, %p: tensor<2x1x3x2xf32>, %g: tensor<2x1x4xf32>, %b: tensor<2x1x4xf32>) -> (tensor<2x2x4x2xf32>, tensor<2x1x3x2xf32>) {
  %o, %s = attic.linear_attention %q, %k, %v past(%p : tensor<2x1x3x2xf32>) decay(%g : tensor<2x1x4xf32>) beta(%b : tensor<2x1x4xf32>) {update_rule = #attic.update_rule<gated_delta>} : tensor<2x2x4x3xf32>, tensor<2x1x4x3xf32>, tensor<2x1x4x2xf32> -> tensor<2x2x4x2xf32>, tensor<2x1x3x2xf32>
  return %o, %s : tensor<2x2x4x2xf32>, tensor<2x1x3x2xf32>
}

func.func @la_gated_delta_step(%q: tensor<1x2x1x3xf32>, %k: tensor<1x2x1x3xf32>, %v: tensor<1x2x1x2xf32>, %p: tensor<1x2x3x2xf32>, %g: tensor<1x2x1x3xf32>, %b: tensor<1x1x1xf32>) -> (tensor<1x2x1x2xf32>, tensor<1x2x3x2xf32>) {
  %o, %s = attic.linear_attention %q, %k, %v past(%p : tensor<1x2x3x2xf32>) decay(%g : tensor<1x2x1x3xf32>) beta(%b : tensor<1x1x1xf32>) {update_rule = #attic.update_rule<gated_delta>, scale = 1.0} : tensor<1x2x1x3xf32>, tensor<1x2x1x3xf32>, tensor<1x2x1x2xf32> -> tensor<1x2x1x2xf32>, tensor<1x2x3x2xf32>
  return %o, %s : tensor<1x2x1x2xf32>, tensor<1x2x3x2xf32>
}

func.func @la_long_linear(%q: tensor<1x4x70x8xf32>, %k: tensor<1x2x70x8xf32>, %v: tensor<1x2x70x5xf32>, %p: tensor<1x2x8x5xf32>) -> (tensor<1x4x70x5xf32>, tensor<1x2x8x5xf32>) {
  %o, %s = attic.linear_attention %q, %k, %v past(%p : tensor<1x2x8x5xf32>) : tensor<1x4x70x8xf32>, tensor<1x2x70x8xf32>, tensor<1x2x70x5xf32> -> tensor<1x4x70x5xf32>, tensor<1x2x8x5xf32>
  return %o, %s : tensor<1x4x70x5xf32>, tensor<1x2x8x5xf32>
}

func.func @la_long_gated_key(%q: tensor<2x2x70x8xf32>, %k: tensor<2x2x70x8xf32>, %v: tensor<2x2x70x4xf32>, %g: tensor<2x2x70x8xf32>) -> (tensor<2x2x70x4xf32>, tensor<2x2x8x4xf32>) {
  %o, %s = attic.linear_attention %q, %k, %v decay(%g : tensor<2x2x70x8xf32>) {update_rule = #attic.update_rule<gated>, scale = 0.5} : tensor<2x2x70x8xf32>, tensor<2x2x70x8xf32>, tensor<2x2x70x4xf32> -> tensor<2x2x70x4xf32>, tensor<2x2x8x4xf32>
  return %o, %s : tensor<2x2x70x4xf32>, tensor<2x2x8x4xf32>
}

func.func @la_long_delta(%q: tensor<1x2x70x8xf32>, %k: tensor<1x2x70x8xf32>, %v: tensor<1x2x70x6xf32>, %p: tensor<1x2x8x6xf32>, %b: tensor<1x2x70xf32>) -> (tensor<1x2x70x6xf32>, tensor<1x2x8x6xf32>) {
  %o, %s = attic.linear_attention %q, %k, %v past(%p : tensor<1x2x8x6xf32>) beta(%b : tensor<1x2x70xf32>) {update_rule = #attic.update_rule<delta>} : tensor<1x2x70x8xf32>, tensor<1x2x70x8xf32>, tensor<1x2x70x6xf32> -> tensor<1x2x70x6xf32>, tensor<1x2x8x6xf32>
  return %o, %s : tensor<1x2x70x6xf32>, tensor<1x2x8x6xf32>
}

func.func @la_long_gated_delta(%q: tensor<1x4x70x16xf32>, %k: tensor<1x2x70x16xf32>, %v: tensor<1x2x70x8xf32>, %p: tensor<1x2x16x8xf32>, %g: tensor<1x2x70xf32>, %b: tensor<1x1x70xf32>) -> (tensor<1x4x70x8xf32>, tensor<1x2x16x8xf32>) {
  %o, %s = attic.linear_attention %q, %k, %v past(%p : tensor<1x2x16x8xf32>) decay(%g : tensor<1x2x70xf32>) beta(%b : tensor<1x1x70xf32>) {update_rule = #attic.update_rule<gated_delta>} : tensor<1x4x70x16xf32>, tensor<1x2x70x16xf32>, tensor<1x2x70x8xf32> -> tensor<1x4x70x8xf32>, tensor<1x2x16x8xf32>
  return %o, %s : tensor<1x4x70x8xf32>, tensor<1x2x16x8xf32>
}

func.func @la_long_gated_delta_key(%q: tensor<1x2x45x8xf32>, %k: tensor<1x1x45x8xf32>, %v: tensor<1x1x45x4xf32>, %g: tensor<1x1x45x8xf32>, %b: tensor<1x1x45xf32>) -> (tensor<1x2x45x4xf32>, tensor<1x1x8x4xf32>) {
  %o, %s = attic.linear_attention %q, %k, %v decay(%g : tensor<1x1x45x8xf32>) beta(%b : tensor<1x1x45xf32>) {update_rule = #attic.update_rule<gated_delta>} : tensor<1x2x45x8xf32>, tensor<1x1x45x8xf32>, tensor<1x1x45x4xf32> -> tensor<1x2x45x4xf32>, tensor<1x1x8x4xf32>
  return %o, %s : tensor<1x2x45x4xf32>, tensor<1x1x8x4xf32>
}
