// The CPU pipeline takes attic ops on tensors to the LLVM dialect alone,
// with no call into MLIR's runtime libraries: the strided copy of linear
// attention's per-step output becomes loops (not memrefCopy), the clone the
// deallocation pipeline adds is lowered, and the function gets its C
// interface when asked for one.
// RUN: attic-opt %s --attic-cpu-pipeline | FileCheck %s
// RUN: attic-opt %s --attic-cpu-pipeline | FileCheck %s --check-prefix=NONE

// Nowhere in the output:
// NONE-NOT: memrefCopy
// NONE-NOT: bufferization.
// NONE-NOT: unrealized_conversion_cast

// CHECK-LABEL: llvm.func @la(
// CHECK: llvm.call @malloc
// CHECK-LABEL: llvm.func @_mlir_ciface_la(
func.func @la(%q: tensor<1x2x5x3xf32>, %k: tensor<1x1x5x3xf32>, %v: tensor<1x1x5x4xf32>) -> (tensor<1x2x5x4xf32>, tensor<1x1x3x4xf32>) attributes {llvm.emit_c_interface} {
  %o, %s = attic.linear_attention %q, %k, %v : tensor<1x2x5x3xf32>, tensor<1x1x5x3xf32>, tensor<1x1x5x4xf32> -> tensor<1x2x5x4xf32>, tensor<1x1x3x4xf32>
  return %o, %s : tensor<1x2x5x4xf32>, tensor<1x1x3x4xf32>
}
