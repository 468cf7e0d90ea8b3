// attic-cuda-pipeline: kernels outlined into gpu.modules and compiled to
// PTX for the chip; the host launches them through the mgpu* functions and
// allocates through the generic allocation functions (managed memory in
// Attic's CUDA runtime), never malloc.
// RUN: attic-opt %S/Inputs/kernels.mlir --attic-cuda-pipeline="format=isa" -o %t
// RUN: FileCheck %s --check-prefix=SOFTMAX < %t
// RUN: FileCheck %s --check-prefix=F64 < %t
// RUN: FileCheck %s --check-prefix=FLASH < %t
// RUN: FileCheck %s --check-prefix=HOST < %t
// RUN: attic-opt %S/Inputs/kernels.mlir --attic-cuda-pipeline="format=isa chip=sm_80" | FileCheck %s --check-prefix=SM80

// The softmax kernel: warp shuffles, barriers, shared memory, libdevice's
// exponential linked in (no external function left).
// SOFTMAX:      gpu.binary @softmax_kernel  [#gpu.object<#nvvm.target<O = 3, chip = "sm_90">
// SOFTMAX-SAME:   .target sm_90
// SOFTMAX-SAME:   .entry softmax_kernel(
// SOFTMAX-SAME:   .shared
// SOFTMAX-SAME:   shfl.sync.bfly.b32
// SOFTMAX-SAME:   bar.sync
// SOFTMAX-NOT:    .extern .func

// 64-bit values are shuffled as two 32-bit halves.
// F64:      gpu.binary @log_softmax_f64_kernel
// F64-SAME:   .f64
// F64-SAME:   shfl.sync.bfly.b32

// Flash attention's K and V tiles: 64 keys of 64 f32 each.
// FLASH:      gpu.binary @flash_kernel
// FLASH-SAME:   .shared .align 4 .b8 {{[a-z_0-9]+}}[16384]
// FLASH-SAME:   .shared .align 4 .b8 {{[a-z_0-9]+}}[16384]

// The host: the form kernel, then the addition after it mapped onto blocks
// of 256 threads.
// HOST:     llvm.func @softmax(
// HOST:       llvm.call @_mlir_memref_to_llvm_alloc
// HOST:       gpu.launch_func  @softmax_kernel::@softmax_kernel
// HOST:       gpu.launch_func  @softmax_kernel_0::@softmax_kernel
// HOST-NOT: @malloc

// SM80: .target sm_80
