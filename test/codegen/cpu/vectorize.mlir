// attic-cpu-vectorize: a tile is one vector along the innermost non-unit
// loop, masked when the loop is not a multiple of the width; an innermost
// reduction accumulates whole vectors of partial results and merges them
// after the loop; i1 and bf16 buffers, and reductions of a term that does
// not change between iterations, stay scalar.
// RUN: attic-opt %s --attic-cpu-vectorize=vector-width=8 --canonicalize --split-input-file | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// CHECK-LABEL: func.func @elementwise_dynamic(
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %c1
// CHECK:   scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %c8
// CHECK:     %[[N:.*]] = affine.min
// CHECK:     %[[M:.*]] = vector.create_mask %c1, %[[N]] : vector<1x8xi1>
// CHECK:     vector.mask %[[M]] { vector.transfer_read {{.*}} : tensor<1x?xf32>, vector<1x8xf32> }
// CHECK:     math.exp %{{.*}} : vector<1x8xf32>
// CHECK:     vector.mask %[[M]] { vector.transfer_write
// CHECK-NOT: linalg.generic
func.func @elementwise_dynamic(%x: tensor<4x?xf32>) -> tensor<4x?xf32> {
  %c1 = arith.constant 1 : index
  %n = tensor.dim %x, %c1 : tensor<4x?xf32>
  %e = tensor.empty(%n) : tensor<4x?xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x?xf32>) outs(%e : tensor<4x?xf32>) {
  ^bb0(%a: f32, %b: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<4x?xf32>
  return %y : tensor<4x?xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// The row sum: eight partial sums per row, added elementwise in the loop and
// reduced to one after it.
// CHECK-LABEL: func.func @row_sum(
// CHECK: scf.for
// CHECK:   %[[ACC:.*]] = linalg.fill ins(%cst{{.*}} : f32) outs(%{{.*}} : tensor<1x8xf32>)
// CHECK:   %[[PARTIAL:.*]] = scf.for {{.*}} step %c8 iter_args(%{{.*}} = %[[ACC]]) -> (tensor<1x8xf32>)
// CHECK:     vector.transfer_read {{.*}} : tensor<1x?xf32>, vector<1x8xf32>
// CHECK:     arith.addf %{{.*}}, %{{.*}} : vector<1x8xf32>
// CHECK:   vector.transfer_read %[[PARTIAL]]
// CHECK:   vector.multi_reduction <add>, %{{.*}}, %{{.*}} [1] : vector<1x8xf32> to vector<1xf32>
func.func @row_sum(%x: tensor<3x21xf32>) -> tensor<3xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<3xf32>) -> tensor<3xf32>
  %y = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<3x21xf32>) outs(%init : tensor<3xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %r = arith.addf %acc, %a : f32
    linalg.yield %r : f32
  } -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// An innermost loop no longer than the width is one vector, untiled and
// unmasked; the rows step by one.
// CHECK-LABEL: func.func @short_rows(
// CHECK: scf.for {{.*}} step %c1
// CHECK-NOT: scf.for
// CHECK-NOT: vector.create_mask
// CHECK: arith.mulf %{{.*}}, %{{.*}} : vector<1x5xf32>
func.func @short_rows(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %e = tensor.empty() : tensor<2x5xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x5xf32>) outs(%e : tensor<2x5xf32>) {
  ^bb0(%a: f32, %b: f32):
    %r = arith.mulf %a, %a : f32
    linalg.yield %r : f32
  } -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// A tensor of i1 is a byte per element, a vector of i1 a bit: tiled, not
// vectorized.
// CHECK-LABEL: func.func @bool_select(
// CHECK: scf.for
// CHECK: linalg.generic
// CHECK-NOT: vector.
func.func @bool_select(%m: tensor<2x40xi1>, %x: tensor<2x40xf32>) -> tensor<2x40xf32> {
  %e = tensor.empty() : tensor<2x40xf32>
  %zero = arith.constant 0.0 : f32
  %y = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m, %x : tensor<2x40xi1>, tensor<2x40xf32>) outs(%e : tensor<2x40xf32>) {
  ^bb0(%b: i1, %a: f32, %o: f32):
    %r = arith.select %b, %a, %zero : f32
    linalg.yield %r : f32
  } -> tensor<2x40xf32>
  return %y : tensor<2x40xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// bf16 vectors would be loaded and stored through f32 conversions that call
// the runtime library: tiled, not vectorized.
// CHECK-LABEL: func.func @bf16_extend(
// CHECK: linalg.generic
// CHECK-NOT: vector.
func.func @bf16_extend(%x: tensor<2x40xbf16>) -> tensor<2x40xf32> {
  %e = tensor.empty() : tensor<2x40xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x40xbf16>) outs(%e : tensor<2x40xf32>) {
  ^bb0(%a: bf16, %o: f32):
    %r = arith.extf %a : bf16 to f32
    linalg.yield %r : f32
  } -> tensor<2x40xf32>
  return %y : tensor<2x40xf32>
}

// -----

// A reduction that adds the same term on every iteration (here a count)
// would add it once per vector: it stays scalar.
// CHECK-LABEL: func.func @count(
// CHECK: linalg.generic
// CHECK-NOT: vector.
func.func @count(%y: tensor<5xi64>) -> tensor<f64> {
  %zero = arith.constant 0.0 : f64
  %e = tensor.empty() : tensor<f64>
  %init = linalg.fill ins(%zero : f64) outs(%e : tensor<f64>) -> tensor<f64>
  %n = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]}
      ins(%y : tensor<5xi64>) outs(%init : tensor<f64>) {
  ^bb0(%a: i64, %o: f64):
    %one = arith.constant 1.0 : f64
    %r = arith.addf %o, %one : f64
    linalg.yield %r : f64
  } -> tensor<f64>
  return %n : tensor<f64>
}

// -----

#in = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#lane = affine_map<(d0, d1, d2) -> (d0, d2)>

// Two accumulators with a combiner of their own (a running maximum and a
// sum rescaled to it) over a middle reduction loop: each tile's reduction
// loop has one iteration, so without it the tile is elementwise over the
// innermost parallel loop and becomes vector code.
// CHECK-LABEL: func.func @lanes_of_running_pairs(
// CHECK: scf.for
// CHECK:   scf.for {{.*}} iter_args
// CHECK:     vector.transfer_read {{.*}} vector<8xf32>
// CHECK:     arith.maximumf {{.*}} : vector<8xf32>
// CHECK:     math.exp {{.*}} : vector<8xf32>
// CHECK:     arith.select {{.*}} vector<8xf32>
// CHECK-NOT: linalg.generic
func.func @lanes_of_running_pairs(%x: tensor<3x5x8xf32>, %m0: tensor<3x8xf32>, %s0: tensor<3x8xf32>) -> (tensor<3x8xf32>, tensor<3x8xf32>) {
  %one = arith.constant 1.0 : f32
  %r:2 = linalg.generic {indexing_maps = [#in, #lane, #lane], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x : tensor<3x5x8xf32>) outs(%m0, %s0 : tensor<3x8xf32>, tensor<3x8xf32>) {
  ^bb0(%a: f32, %m: f32, %s: f32):
    %nm = arith.maximumf %m, %a : f32
    %lo = arith.minimumf %m, %a : f32
    %d = arith.subf %lo, %nm : f32
    %e = math.exp %d : f32
    %up = arith.cmpf ogt, %a, %m : f32
    %r1 = math.fma %s, %e, %one : f32
    %r2 = arith.addf %s, %e : f32
    %ns = arith.select %up, %r1, %r2 : f32
    linalg.yield %nm, %ns : f32, f32
  } -> (tensor<3x8xf32>, tensor<3x8xf32>)
  return %r#0, %r#1 : tensor<3x8xf32>, tensor<3x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// The same combiner along the innermost loop has no partial-reduction form
// (no neutral element for it): it stays scalar, without a diagnostic.
// CHECK-LABEL: func.func @innermost_running_pair(
// CHECK: linalg.generic
// CHECK-NOT: vector.
func.func @innermost_running_pair(%x: tensor<3x40xf32>, %m0: tensor<3xf32>, %s0: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %one = arith.constant 1.0 : f32
  %r:2 = linalg.generic {indexing_maps = [#id, #row, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<3x40xf32>) outs(%m0, %s0 : tensor<3xf32>, tensor<3xf32>) {
  ^bb0(%a: f32, %m: f32, %s: f32):
    %nm = arith.maximumf %m, %a : f32
    %lo = arith.minimumf %m, %a : f32
    %d = arith.subf %lo, %nm : f32
    %e = math.exp %d : f32
    %up = arith.cmpf ogt, %a, %m : f32
    %r1 = math.fma %s, %e, %one : f32
    %r2 = arith.addf %s, %e : f32
    %ns = arith.select %up, %r1, %r2 : f32
    linalg.yield %nm, %ns : f32, f32
  } -> (tensor<3xf32>, tensor<3xf32>)
  return %r#0, %r#1 : tensor<3xf32>, tensor<3xf32>
}
