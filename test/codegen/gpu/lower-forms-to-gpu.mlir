// RUN: attic-opt %s --attic-lower-forms-to-gpu --split-input-file | FileCheck %s

// Online softmax: a block of 256 threads per row (1000 elements, four per
// thread), two workgroup buffers of one element per warp for the pair, a
// butterfly over the warp, then one over the warps' published pairs (over
// all 32 lanes, so that every lane ends with the row's pair), and a second
// pass.
// CHECK-LABEL: func.func @online
// CHECK-DAG:     %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG:     %[[C256:.*]] = arith.constant 256 : index
// CHECK:         %[[IN:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<4x1000xf32> to memref<4x1000xf32>
// CHECK:         %[[FLAT:.*]] = memref.collapse_shape %[[IN]] {{\[\[}}0, 1]] : memref<4x1000xf32> into memref<4000xf32>
// CHECK:         %[[OUT:.*]] = memref.alloc() : memref<4x1000xf32>
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %{{.*}}, {{.*}} = %{{.*}}, {{.*}} = %{{.*}}) threads({{.*}}) in ({{.*}} = %[[C256]], {{.*}}) workgroup(%{{.*}} : memref<8xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<8xf32, #gpu.address_space<workgroup>>)
// CHECK:           scf.for
// CHECK:             math.exp
// CHECK-COUNT-10:  gpu.shuffle  xor
// CHECK:           gpu.barrier
// CHECK-COUNT-10:  gpu.shuffle  xor
// CHECK:           gpu.barrier
// CHECK:           scf.for
// CHECK:             arith.divf
// CHECK:             memref.store
// CHECK:           gpu.terminator
// CHECK:         bufferization.to_tensor %[[OUT]] restrict writable : memref<4x1000xf32> to tensor<4x1000xf32>
func.func @online(%x: tensor<4x1000xf32>) -> tensor<4x1000xf32> {
  %y = attic.online_softmax <softmax> %x, axis = 1 : tensor<4x1000xf32> -> tensor<4x1000xf32>
  return %y : tensor<4x1000xf32>
}

// -----

// Two-pass logsumexp over a dynamic middle axis of f16: 256 threads, the
// sums in f32, one thread writing each row's value, the result sized by the
// outer dimensions.
// CHECK-LABEL: func.func @two_pass_lse
// CHECK:         memref.alloc() : memref<3x5xf16>
// CHECK:         gpu.launch
// CHECK-SAME:      workgroup(%{{.*}} : memref<8xf32, #gpu.address_space<workgroup>>
// CHECK:           arith.extf %{{.*}} : f16 to f32
// CHECK:           math.roundeven
// CHECK:           gpu.barrier
// CHECK:           scf.if
// CHECK:             arith.truncf %{{.*}} : f32 to f16
// CHECK:             memref.store
// CHECK-NOT:       scf.for
// CHECK:           gpu.terminator
func.func @two_pass_lse(%x: tensor<3x?x5xf16>) -> tensor<3x5xf16> {
  %y = attic.two_pass_softmax <logsumexp> %x, axis = 1 : tensor<3x?x5xf16> -> tensor<3x5xf16>
  return %y : tensor<3x5xf16>
}

// -----

// A short row takes one warp: no shared memory merge.
// CHECK-LABEL: func.func @short_rows
// CHECK:         gpu.launch
// CHECK-SAME:      threads({{.*}}) in ({{.*}} = %[[C32:[a-z0-9_]+]],
// CHECK-COUNT-10:  gpu.shuffle  xor
// CHECK-NOT:       gpu.barrier
// CHECK:           gpu.terminator
func.func @short_rows(%x: tensor<16x10xf32>) -> tensor<16x10xf32> {
  %y = attic.online_softmax <log_softmax> %x, axis = -1 : tensor<16x10xf32> -> tensor<16x10xf32>
  return %y : tensor<16x10xf32>
}

// -----

// Flash attention, D = Dv = 64: four lanes per query row (16 elements each
// in registers), 64 rows per block (256 threads), grid (ceil(100 / 64),
// heads, batches); K and V tiles of 64 keys in shared memory; the lanes'
// partial dot products meet through two shuffles.
// CHECK-LABEL: func.func @flash
// CHECK-DAG:     %[[C256:.*]] = arith.constant 256 : index
// CHECK-DAG:     %[[B:.*]] = tensor.dim %{{.*}}, %c0
// CHECK-DAG:     %[[H:.*]] = tensor.dim %{{.*}}, %c1
// CHECK:         %[[OUT:.*]] = memref.alloc() : memref<2x8x100x64xf32>
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %{{.*}}, {{.*}} = %[[H]], {{.*}} = %[[B]]) threads({{.*}}) in ({{.*}} = %[[C256]], {{.*}}) workgroup(%[[K:.*]] : memref<4096xf32, #gpu.address_space<workgroup>>, %[[V:.*]] : memref<4096xf32, #gpu.address_space<workgroup>>)
// CHECK-COUNT-16:  memref.load %{{.*}} : memref<102400xf32>
// CHECK:           scf.for {{.*}} iter_args
// CHECK:             gpu.barrier
// CHECK:             memref.store %{{.*}}, %[[K]]
// CHECK:             memref.store %{{.*}}, %[[V]]
// CHECK:             gpu.barrier
// CHECK:             scf.for
// CHECK-COUNT-16:      math.fma
// CHECK:               gpu.shuffle  xor %{{.*}}, %{{.*}}, %{{.*}} : f32
// CHECK:               gpu.shuffle  xor %{{.*}}, %{{.*}}, %{{.*}} : f32
// CHECK:               math.tanh
// CHECK:               math.exp
// CHECK:               math.exp
// CHECK-COUNT-16:      math.fma
// CHECK:           scf.if
// CHECK-COUNT-16:    memref.store %{{.*}} : memref<102400xf32>
// CHECK:         bufferization.to_tensor %[[OUT]] restrict writable
func.func @flash(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x130x64xf32>, %v: tensor<2x2x130x64xf32>, %m: tensor<100x130xi1>, %len: tensor<2xi64>) -> tensor<2x8x100x64xf32> {
  %o = attic.flash_attention %q, %k, %v mask(%m : tensor<100x130xi1>) kv_lengths(%len : tensor<2xi64>) {causal, softcap = 30.0, block_q = 64, block_kv = 64} : tensor<2x8x100x64xf32>, tensor<2x2x130x64xf32>, tensor<2x2x130x64xf32> -> tensor<2x8x100x64xf32>
  return %o : tensor<2x8x100x64xf32>
}

// -----

// D = 128 in f16 with the softplus kernel: eight lanes per row, 64 rows per
// block (512 threads); the key tile shrinks to 48 keys so that both tiles
// (in f32) fit in 48 KiB.
// CHECK-LABEL: func.func @flash_softplus
// CHECK:         gpu.launch
// CHECK-SAME:      workgroup(%{{.*}} : memref<6144xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<6144xf32, #gpu.address_space<workgroup>>)
// CHECK:           arith.extf %{{.*}} : f16 to f32
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK-COUNT-3:       gpu.shuffle  xor
// CHECK:               math.log1p
// CHECK:           arith.truncf %{{.*}} : f32 to f16
func.func @flash_softplus(%q: tensor<1x4x?x128xf16>, %k: tensor<1x4x?x128xf16>, %v: tensor<1x4x?x128xf16>) -> tensor<1x4x?x128xf16> {
  %o = attic.flash_attention %q, %k, %v {kernel = #attic.kernel<softplus>, block_q = 64, block_kv = 64} : tensor<1x4x?x128xf16>, tensor<1x4x?x128xf16>, tensor<1x4x?x128xf16> -> tensor<1x4x?x128xf16>
  return %o : tensor<1x4x?x128xf16>
}

// -----

// A dynamic head size has no kernel: the op stays for the loop lowering.
// CHECK-LABEL: func.func @flash_dynamic_head
// CHECK-NOT:     gpu.launch
// CHECK:         attic.flash_attention
func.func @flash_dynamic_head(%q: tensor<1x1x8x?xf32>, %k: tensor<1x1x8x?xf32>, %v: tensor<1x1x8x?xf32>) -> tensor<1x1x8x?xf32> {
  %o = attic.flash_attention %q, %k, %v {scale = 0.5, block_q = 4, block_kv = 4} : tensor<1x1x8x?xf32>, tensor<1x1x8x?xf32>, tensor<1x1x8x?xf32> -> tensor<1x1x8x?xf32>
  return %o : tensor<1x1x8x?xf32>
}

// -----

// Cut cross-entropy with label smoothing: one kernel over 64 x 64 logit
// tiles (the hidden size staged 16 at a time, rows padded to 17 words)
// writes per split and token the maximum, the rescaled sum, the label's
// logit and the logit sum; a reduction over the splits merges them, and the
// loss follows as tensor code. No buffer or tensor of N x V = 100 x 300.
// CHECK-LABEL: func.func @cut
// CHECK-NOT:     100x300
// CHECK-COUNT-4: memref.alloc(%{{.*}}, %{{.*}}) : memref<?x?xf32>
// CHECK:         gpu.launch
// CHECK-SAME:      workgroup(%{{.*}} : memref<1088xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<1088xf32, #gpu.address_space<workgroup>>)
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               gpu.barrier
// CHECK:               gpu.barrier
// CHECK-COUNT-256:     math.fma
// CHECK:             math.tanh
// CHECK:             gpu.shuffle  xor
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK-NOT:     100x300
// CHECK:         return
func.func @cut(%h: tensor<100x48xf32>, %w: tensor<300x48xf32>, %y: tensor<100xi64>) -> tensor<f32> {
  %l = attic.cut_cross_entropy %h, %w, %y {label_smoothing = 0.1, softcap = 30.0, block_n = 64, block_v = 64} : tensor<100x48xf32>, tensor<300x48xf32>, tensor<100xi64> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// The cut cross-entropy gradient: zeros written into the gradients by
// kernels of their own, then a kernel per 64 x 64 tile of tokens and
// classes: the tile's logits, du, the block skipped unless some entry
// passes the filter (a block-wide reduction), du in shared memory
// (64 x 65 words), and the products added into the gradients atomically.
// No buffer or tensor of N x V = 100 x 300.
// CHECK-LABEL: func.func @cut_grad
// CHECK-NOT:     100x300
// CHECK-COUNT-3: gpu.launch
// CHECK:         gpu.launch
// CHECK-SAME:      workgroup(%{{.*}} : memref<1088xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<1088xf32, #gpu.address_space<workgroup>>, %[[DU:.*]] : memref<4160xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<8xi32, #gpu.address_space<workgroup>>)
// CHECK-COUNT-256: math.fma
// CHECK:           gpu.shuffle  xor
// CHECK:           scf.if
// CHECK:             memref.store %{{.*}}, %[[DU]]
// CHECK:             scf.for
// CHECK:               memref.atomic_rmw addf
// CHECK:               memref.atomic_rmw addf
// CHECK-NOT:     100x300
// CHECK:         return
func.func @cut_grad(%h: tensor<100x48xf32>, %w: tensor<300x48xf32>, %y: tensor<100xi64>, %b: tensor<300xf32>, %g: tensor<f32>, %lse: tensor<100xf32>) -> (tensor<100x48xf32>, tensor<300x48xf32>, tensor<300xf32>) {
  %dh, %dw, %db = attic.cut_cross_entropy_grad %h, %w, %y, %g bias(%b : tensor<300xf32>) lse(%lse : tensor<100xf32>) {block_n = 64, block_v = 64, filter_eps = 1.0e-6} : tensor<100x48xf32>, tensor<300x48xf32>, tensor<100xi64>, tensor<f32> -> tensor<100x48xf32>, tensor<300x48xf32>, tensor<300xf32>
  return %dh, %dw, %db : tensor<100x48xf32>, tensor<300x48xf32>, tensor<300xf32>
}

// -----

// Non-causal linearized attention: the states phi(K)^T [V, 1]
// ([B, Hkv, 32, 25]) from a kernel per key/value head and batch (keys 32
// at a time in shared memory, phi applied to them, the mask and kv_lengths
// hiding keys), then the output from a kernel per 8 query rows (a thread
// per output column, padded to 32), head and batch, the state in shared
// memory.
// CHECK-LABEL: func.func @linearized
// CHECK:         memref.alloc() : memref<2x2x32x25xf32>
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c2, {{.*}} = %c2, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c256, {{.*}}) workgroup(%{{.*}} : memref<1024xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<800xf32, #gpu.address_space<workgroup>>)
// CHECK:           math.exp
// CHECK:           math.fma
// CHECK:         memref.alloc() : memref<2x4x50x24xf32>
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c7, {{.*}} = %c4, {{.*}} = %c2) threads({{.*}}) in ({{.*}} = %c256, {{.*}}) workgroup(%{{.*}} : memref<800xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<256xf32, #gpu.address_space<workgroup>>)
// CHECK:           arith.divf
// CHECK-NOT:     attic.linearized_attention
func.func @linearized(%q: tensor<2x4x50x32xf32>, %k: tensor<2x2x70x32xf32>, %v: tensor<2x2x70x24xf32>, %m: tensor<2x1x1x70xi1>, %len: tensor<2xi32>) -> tensor<2x4x50x24xf32> {
  %o = attic.linearized_attention %q, %k, %v mask(%m : tensor<2x1x1x70xi1>) kv_lengths(%len : tensor<2xi32>) {chunk_size = 16, kernel = #attic.kernel<elu_plus_one>} : tensor<2x4x50x32xf32>, tensor<2x2x70x32xf32>, tensor<2x2x70x24xf32> -> tensor<2x4x50x24xf32>
  return %o : tensor<2x4x50x24xf32>
}

// -----

// Causal linearized attention through the chunked recurrence: a block per
// (value tile of 64 columns and the column of ones, key/value head, batch)
// with its state columns in global memory ([B, Hkv, tiles, 40, 65]); the
// 35 keys before the first query's start the state, then the chunk of 45
// steps (64 clamped to Sq) with queries, keys and the state's rows staged 16
// key dimensions at a time (45 x 16, 16 x 65 words), the scores (45 x 45)
// and values with ones (45 x 65) in shared memory, and a normalizer per
// row; the output is the quotient.
// CHECK-LABEL: func.func @linearized_causal
// CHECK:         memref.alloc() : memref<1x2x2x40x65xf32>
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c2, {{.*}} = %c2, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c256, {{.*}}) workgroup(%{{.*}} : memref<720xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<720xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<1040xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<2025xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<2925xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<45xf32, #gpu.address_space<workgroup>>)
// CHECK:           scf.for %{{.*}} = %c0 to %c35 step %c45
// CHECK:           scf.for %{{.*}} = %c0 to %c45 step %c45
// CHECK:             scf.for %{{.*}} = %c0 to %c40 step %c16
// CHECK:               gpu.barrier
// CHECK:           arith.divf
// CHECK-NOT:     attic.linearized_attention
func.func @linearized_causal(%q: tensor<1x4x45x40xf32>, %k: tensor<1x2x80x40xf32>, %v: tensor<1x2x80x70xf32>, %m: tensor<80xi1>) -> tensor<1x4x45x70xf32> {
  %o = attic.linearized_attention %q, %k, %v mask(%m : tensor<80xi1>) {causal, chunk_size = 64, kernel = #attic.kernel<relu>} : tensor<1x4x45x40xf32>, tensor<1x2x80x40xf32>, tensor<1x2x80x70xf32> -> tensor<1x4x45x70xf32>
  return %o : tensor<1x4x45x70xf32>
}

// -----

// The gated delta rule in chunks of 64: a kernel sums the per-key log decay
// inside each chunk (a block per chunk, head and batch, a thread per key
// dimension; 100 steps padded to 128), then a block per (value tile of 32,
// key/value head, batch): keys, queries, decay (64 x 16 each) and the
// state's rows (16 x 32) in shared memory, the Gram matrix and scores
// (64 x 64), U (64 x 32) and beta (64); the forward substitution walks the
// rows, each summing over the rows before it.
// CHECK-LABEL: func.func @chunked
// CHECK:         memref.alloc() : memref<1x2x128x40xf32>
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c2, {{.*}} = %c2, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c64, {{.*}})
// CHECK:           scf.for %{{.*}} = %c0 to %c64 step %c1 iter_args
// CHECK:             arith.addf
// CHECK:         memref.alloc() : memref<1x2x3x40x32xf32>
// CHECK:         memref.alloc() : memref<1x4x100x70xf32>
// CHECK:         memref.alloc() : memref<1x2x40x70xf32>
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c3, {{.*}} = %c2, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c256, {{.*}}) workgroup(%{{.*}} : memref<1024xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<1024xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<512xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<4096xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<2048xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<1024xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<64xf32, #gpu.address_space<workgroup>>)
// CHECK:           scf.for %{{.*}} = %c0 to %c128 step %c64
// CHECK:             scf.for %[[ROW:.*]] = %c0 to %c64 step %c1
// CHECK:                 memref.load
// CHECK-NEXT:          scf.for %{{.*}} = %c0 to %[[ROW]] step %c1
// CHECK-NOT:     attic.chunked_linear_attention
func.func @chunked(%q: tensor<1x4x100x40xf32>, %k: tensor<1x2x100x40xf32>, %v: tensor<1x2x100x70xf32>, %past: tensor<1x2x40x70xf32>, %g: tensor<1x2x100x40xf32>, %b: tensor<1x2x100xf32>) -> (tensor<1x4x100x70xf32>, tensor<1x2x40x70xf32>) {
  %o, %s = attic.chunked_linear_attention %q, %k, %v past(%past : tensor<1x2x40x70xf32>) decay(%g : tensor<1x2x100x40xf32>) beta(%b : tensor<1x2x100xf32>) {update_rule = #attic.update_rule<gated_delta>, chunk_size = 64} : tensor<1x4x100x40xf32>, tensor<1x2x100x40xf32>, tensor<1x2x100x70xf32> -> tensor<1x4x100x70xf32>, tensor<1x2x40x70xf32>
  return %o, %s : tensor<1x4x100x70xf32>, tensor<1x2x40x70xf32>
}

// -----

// A chunk of 128 steps does not fit in shared memory (its 128 x 128 scores
// alone take 64 KiB): the op is left for its loops, nothing created.
// CHECK-LABEL: func.func @chunked_too_large
// CHECK-NOT:     gpu.launch
// CHECK:         attic.chunked_linear_attention
func.func @chunked_too_large(%q: tensor<1x1x256x16xf32>, %k: tensor<1x1x256x16xf32>, %v: tensor<1x1x256x16xf32>) -> (tensor<1x1x256x16xf32>, tensor<1x1x16x16xf32>) {
  %o, %s = attic.chunked_linear_attention %q, %k, %v {chunk_size = 128} : tensor<1x1x256x16xf32>, tensor<1x1x256x16xf32>, tensor<1x1x256x16xf32> -> tensor<1x1x256x16xf32>, tensor<1x1x16x16xf32>
  return %o, %s : tensor<1x1x256x16xf32>, tensor<1x1x16x16xf32>
}
