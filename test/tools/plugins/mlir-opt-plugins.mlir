// Debian's stock mlir-opt (mlir-22-tools) with Attic's plugins: the dialect
// plugin lets it parse, verify and print attic IR and run transform.attic.*;
// the pass plugin adds Attic's passes and the attic-cpu-pipeline pipeline.
// Plugins load after the command line is parsed, so their passes are named
// in --pass-pipeline.
// RUN: mlir-opt %s --load-dialect-plugin=%attic_build/lib/libAtticDialectPlugin.so | FileCheck %s --check-prefix=PARSE
// RUN: mlir-opt %s --load-dialect-plugin=%attic_build/lib/libAtticDialectPlugin.so --load-pass-plugin=%attic_build/lib/libAtticPassPlugin.so --pass-pipeline='builtin.module(attic-flash-attention{block-q=32 block-kv=16})' | FileCheck %s --check-prefix=FLASH
// RUN: mlir-opt %s --load-dialect-plugin=%attic_build/lib/libAtticDialectPlugin.so --load-pass-plugin=%attic_build/lib/libAtticPassPlugin.so --pass-pipeline='builtin.module(attic-softmax-forms{algorithm=two-pass},attic-cpu-pipeline)' | FileCheck %s --check-prefix=LLVM
// The dialect plugin also brings Attic's transform ops: the stock tool runs
// the transform scripts of Attic's own test, with the same results.
// RUN: mlir-opt %S/../../passes/transform/form-ops.mlir --load-dialect-plugin=%attic_build/lib/libAtticDialectPlugin.so --transform-interpreter --split-input-file | FileCheck %S/../../passes/transform/form-ops.mlir
// Without the dialect plugin, the stock tool does not know attic.
// RUN: not mlir-opt %s 2>&1 | FileCheck %s --check-prefix=STOCK
// A verifier message comes through the plugin's dialect.
// RUN: not mlir-opt %S/Inputs/bad-axis.mlir --load-dialect-plugin=%attic_build/lib/libAtticDialectPlugin.so 2>&1 | FileCheck %s --check-prefix=VERIFY

// PARSE-LABEL: func.func @attention
// PARSE: attic.attention
// PARSE-LABEL: func.func @softmax
// PARSE: attic.softmax

// FLASH-LABEL: func.func @attention
// FLASH: attic.flash_attention {{.*}}block_kv = 16{{.*}}block_q = 32
// FLASH-LABEL: func.func @softmax
// FLASH: attic.softmax

// LLVM-NOT: attic.
// LLVM: llvm.func @attention
// LLVM: llvm.func @softmax
// LLVM-NOT: attic.

// STOCK: error: Dialect `attic' not found for custom op 'attic.attention'

// VERIFY: error: 'attic.softmax' op axis 3 is out of range for input of rank 2

func.func @attention(%q: tensor<1x2x8x4xf32>, %k: tensor<1x2x8x4xf32>, %v: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %o = attic.attention %q, %k, %v {causal} : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

func.func @softmax(%x: tensor<4x40xf32>) -> tensor<4x40xf32> {
  %y = attic.softmax %x, axis = 1 : tensor<4x40xf32>
  return %y : tensor<4x40xf32>
}
