// attic-raise-linalg on softmax chains and negative log-likelihoods written
// as linalg.generic ops: what is left alone, and what is raised only in
// part. (What is raised, and that it computes the same:
// raise-linalg-losses.test.)
// RUN: attic-opt %s --attic-raise-linalg --split-input-file | FileCheck %s

#id2 = affine_map<(n, c) -> (n, c)>
#drop = affine_map<(n, c) -> (n)>
#drop0 = affine_map<(n, c) -> (c)>

// The maximum subtracted is along the other axis: the softmax is of the
// difference, not of x.
// CHECK-LABEL: func.func @shift_along_other_axis
// CHECK:         %[[T:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<4x6xf32>, tensor<6xf32>)
// CHECK:         attic.softmax %[[T]], axis = 1
func.func @shift_along_other_axis(%x: tensor<4x6xf32>) -> tensor<4x6xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %ec = tensor.empty() : tensor<6xf32>
  %er = tensor.empty() : tensor<4xf32>
  %e = tensor.empty() : tensor<4x6xf32>
  %minit = linalg.fill ins(%ninf : f32) outs(%ec : tensor<6xf32>) -> tensor<6xf32>
  %max = linalg.generic {indexing_maps = [#id2, #drop0], iterator_types = ["reduction", "parallel"]} ins(%x : tensor<4x6xf32>) outs(%minit : tensor<6xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %m = arith.maximumf %in, %acc : f32
    linalg.yield %m : f32
  } -> tensor<6xf32>
  %t = linalg.generic {indexing_maps = [#id2, #drop0, #id2], iterator_types = ["parallel", "parallel"]} ins(%x, %max : tensor<4x6xf32>, tensor<6xf32>) outs(%e : tensor<4x6xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %d = arith.subf %a, %b : f32
    linalg.yield %d : f32
  } -> tensor<4x6xf32>
  %exp = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%t : tensor<4x6xf32>) outs(%e : tensor<4x6xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<4x6xf32>
  %sinit = linalg.fill ins(%zero : f32) outs(%er : tensor<4xf32>) -> tensor<4xf32>
  %sum = linalg.generic {indexing_maps = [#id2, #drop], iterator_types = ["parallel", "reduction"]} ins(%exp : tensor<4x6xf32>) outs(%sinit : tensor<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %p = linalg.generic {indexing_maps = [#id2, #drop, #id2], iterator_types = ["parallel", "parallel"]} ins(%exp, %sum : tensor<4x6xf32>, tensor<4xf32>) outs(%e : tensor<4x6xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %d = arith.divf %a, %b : f32
    linalg.yield %d : f32
  } -> tensor<4x6xf32>
  return %p : tensor<4x6xf32>
}

// -----

#id2 = affine_map<(n, c) -> (n, c)>
#drop = affine_map<(n, c) -> (n)>

// The sum is of another tensor's exponentials: no log-softmax.
// CHECK-LABEL: func.func @sum_of_other
// CHECK-NOT:     attic.
// CHECK:         return
func.func @sum_of_other(%x: tensor<4x6xf32>, %y: tensor<4x6xf32>) -> tensor<4x6xf32> {
  %zero = arith.constant 0.0 : f32
  %er = tensor.empty() : tensor<4xf32>
  %e = tensor.empty() : tensor<4x6xf32>
  %exp = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%y : tensor<4x6xf32>) outs(%e : tensor<4x6xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<4x6xf32>
  %sinit = linalg.fill ins(%zero : f32) outs(%er : tensor<4xf32>) -> tensor<4xf32>
  %sum = linalg.generic {indexing_maps = [#id2, #drop], iterator_types = ["parallel", "reduction"]} ins(%exp : tensor<4x6xf32>) outs(%sinit : tensor<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %log = linalg.generic {indexing_maps = [affine_map<(n) -> (n)>, affine_map<(n) -> (n)>], iterator_types = ["parallel"]} ins(%sum : tensor<4xf32>) outs(%er : tensor<4xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = math.log %a : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %ls = linalg.generic {indexing_maps = [#id2, #drop, #id2], iterator_types = ["parallel", "parallel"]} ins(%x, %log : tensor<4x6xf32>, tensor<4xf32>) outs(%e : tensor<4x6xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %d = arith.subf %a, %b : f32
    linalg.yield %d : f32
  } -> tensor<4x6xf32>
  return %ls : tensor<4x6xf32>
}

// -----

#tok = affine_map<(n) -> (n)>

// The label picks the row, not the column; and a fill that is not 0.
// CHECK-LABEL: func.func @not_nll
// CHECK-NOT:     attic.
// CHECK:         return
func.func @not_nll(%lp: tensor<8x8xf32>, %y: tensor<8xi64>) -> (tensor<8xf32>, tensor<8xf32>) {
  %fill = arith.constant -1.0 : f32
  %ignore = arith.constant 3 : index
  %e = tensor.empty() : tensor<8xf32>
  %rows = linalg.generic {indexing_maps = [#tok, #tok], iterator_types = ["parallel"]} ins(%y : tensor<8xi64>) outs(%e : tensor<8xf32>) {
  ^bb0(%label: i64, %out: f32):
    %yi = arith.index_cast %label : i64 to index
    %n = linalg.index 0 : index
    %x = tensor.extract %lp[%yi, %n] : tensor<8x8xf32>
    %neg = arith.negf %x : f32
    linalg.yield %neg : f32
  } -> tensor<8xf32>
  %filled = linalg.generic {indexing_maps = [#tok, #tok], iterator_types = ["parallel"]} ins(%y : tensor<8xi64>) outs(%e : tensor<8xf32>) {
  ^bb0(%label: i64, %out: f32):
    %yi = arith.index_cast %label : i64 to index
    %ignored = arith.cmpi eq, %yi, %ignore : index
    %n = linalg.index 0 : index
    %x = tensor.extract %lp[%n, %yi] : tensor<8x8xf32>
    %neg = arith.negf %x : f32
    %r = arith.select %ignored, %fill, %neg : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  return %rows, %filled : tensor<8xf32>, tensor<8xf32>
}

// -----

#tok = affine_map<(n) -> (n)>
#all = affine_map<(n) -> ()>

// The mean's count leaves out another label than the loss ignores: the
// per-token loss is raised, the division stays.
// CHECK-LABEL: func.func @count_of_other_label
// CHECK:         %[[L:.*]] = attic.nll_loss %{{.*}}, %{{.*}} {ignore_index = 3 : i64, reduction = #attic.reduction<none>}
// CHECK:         linalg.generic {{.*}} ins(%[[L]] : tensor<8xf32>)
// CHECK:           arith.divf
func.func @count_of_other_label(%lp: tensor<8x12xf32>, %y: tensor<8xi64>) -> tensor<f32> {
  %zero = arith.constant 0.0 : f32
  %zi = arith.constant 0 : i32
  %ignore = arith.constant 3 : index
  %other = arith.constant 4 : index
  %e = tensor.empty() : tensor<8xf32>
  %l = linalg.generic {indexing_maps = [#tok, #tok], iterator_types = ["parallel"]} ins(%y : tensor<8xi64>) outs(%e : tensor<8xf32>) {
  ^bb0(%label: i64, %out: f32):
    %yi = arith.index_cast %label : i64 to index
    %ignored = arith.cmpi eq, %yi, %ignore : index
    %n = linalg.index 0 : index
    %x = tensor.extract %lp[%n, %yi] : tensor<8x12xf32>
    %neg = arith.negf %x : f32
    %r = arith.select %ignored, %zero, %neg : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %ce = tensor.empty() : tensor<i32>
  %cz = linalg.fill ins(%zi : i32) outs(%ce : tensor<i32>) -> tensor<i32>
  %count = linalg.generic {indexing_maps = [#tok, #all], iterator_types = ["reduction"]} ins(%y : tensor<8xi64>) outs(%cz : tensor<i32>) {
  ^bb0(%label: i64, %acc: i32):
    %yi = arith.index_cast %label : i64 to index
    %kept = arith.cmpi ne, %yi, %other : index
    %k = arith.extui %kept : i1 to i32
    %a = arith.addi %acc, %k : i32
    linalg.yield %a : i32
  } -> tensor<i32>
  %ci = tensor.extract %count[] : tensor<i32>
  %cf = arith.sitofp %ci : i32 to f32
  %s0 = tensor.empty() : tensor<f32>
  %sz = linalg.fill ins(%zero : f32) outs(%s0 : tensor<f32>) -> tensor<f32>
  %mean = linalg.generic {indexing_maps = [#tok, #all], iterator_types = ["reduction"]} ins(%l : tensor<8xf32>) outs(%sz : tensor<f32>) {
  ^bb0(%in: f32, %acc: f32):
    %d = arith.divf %in, %cf : f32
    %a = arith.addf %d, %acc : f32
    linalg.yield %a : f32
  } -> tensor<f32>
  return %mean : tensor<f32>
}
