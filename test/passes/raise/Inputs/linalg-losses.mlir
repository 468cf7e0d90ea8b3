// Softmax, log-softmax and the negative log-likelihood as torch-mlir writes
// them in linalg (one linalg.generic a step, after canonicalization), for
// raise-linalg-losses.test. Labels are random in [0, 10), 3 is ignored.
#id2 = affine_map<(n, c) -> (n, c)>
#keep = affine_map<(n, c) -> (n, 0)>
#drop = affine_map<(n, c) -> (n)>
#id3 = affine_map<(b, c, s) -> (b, c, s)>
#drop3 = affine_map<(b, c, s) -> (b, s)>
#tok = affine_map<(n) -> (n)>
#all = affine_map<(n) -> ()>

// Reductions that keep the class axis (read back through a 0).
func.func @log_softmax_keepdim(%x: tensor<6x12xf32>) -> tensor<6x12xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<6x1xf32>
  %e = tensor.empty() : tensor<6x12xf32>
  %minit = linalg.fill ins(%ninf : f32) outs(%e1 : tensor<6x1xf32>) -> tensor<6x1xf32>
  %max = linalg.generic {indexing_maps = [#id2, #keep], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<6x12xf32>) outs(%minit : tensor<6x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %m = arith.maximumf %in, %acc : f32
    linalg.yield %m : f32
  } -> tensor<6x1xf32>
  %t = linalg.generic {indexing_maps = [#id2, #keep, #id2], iterator_types = ["parallel", "parallel"]} ins(%x, %max : tensor<6x12xf32>, tensor<6x1xf32>) outs(%e : tensor<6x12xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %d = arith.subf %a, %b : f32
    linalg.yield %d : f32
  } -> tensor<6x12xf32>
  %exp = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%t : tensor<6x12xf32>) outs(%e : tensor<6x12xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<6x12xf32>
  %sinit = linalg.fill ins(%zero : f32) outs(%e1 : tensor<6x1xf32>) -> tensor<6x1xf32>
  %sum = linalg.generic {indexing_maps = [#id2, #keep], iterator_types = ["parallel", "reduction"]} ins(%exp : tensor<6x12xf32>) outs(%sinit : tensor<6x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  } -> tensor<6x1xf32>
  %log = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%sum : tensor<6x1xf32>) outs(%e1 : tensor<6x1xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = math.log %a : f32
    linalg.yield %r : f32
  } -> tensor<6x1xf32>
  %ls = linalg.generic {indexing_maps = [#id2, #keep, #id2], iterator_types = ["parallel", "parallel"]} ins(%t, %log : tensor<6x12xf32>, tensor<6x1xf32>) outs(%e : tensor<6x12xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %d = arith.subf %a, %b : f32
    linalg.yield %d : f32
  } -> tensor<6x12xf32>
  return %ls : tensor<6x12xf32>
}

// A softmax along the middle axis, the reductions dropping it.
func.func @softmax_middle(%x: tensor<3x7x5xf32>) -> tensor<3x7x5xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<3x5xf32>
  %e = tensor.empty() : tensor<3x7x5xf32>
  %minit = linalg.fill ins(%ninf : f32) outs(%e1 : tensor<3x5xf32>) -> tensor<3x5xf32>
  %max = linalg.generic {indexing_maps = [#id3, #drop3], iterator_types = ["parallel", "reduction", "parallel"]} ins(%x : tensor<3x7x5xf32>) outs(%minit : tensor<3x5xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %m = arith.maximumf %acc, %in : f32
    linalg.yield %m : f32
  } -> tensor<3x5xf32>
  %t = linalg.generic {indexing_maps = [#id3, #drop3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x, %max : tensor<3x7x5xf32>, tensor<3x5xf32>) outs(%e : tensor<3x7x5xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %d = arith.subf %a, %b : f32
    linalg.yield %d : f32
  } -> tensor<3x7x5xf32>
  %exp = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%t : tensor<3x7x5xf32>) outs(%e : tensor<3x7x5xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<3x7x5xf32>
  %sinit = linalg.fill ins(%zero : f32) outs(%e1 : tensor<3x5xf32>) -> tensor<3x5xf32>
  %sum = linalg.generic {indexing_maps = [#id3, #drop3], iterator_types = ["parallel", "reduction", "parallel"]} ins(%exp : tensor<3x7x5xf32>) outs(%sinit : tensor<3x5xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  } -> tensor<3x5xf32>
  %p = linalg.generic {indexing_maps = [#id3, #drop3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%exp, %sum : tensor<3x7x5xf32>, tensor<3x5xf32>) outs(%e : tensor<3x7x5xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %d = arith.divf %a, %b : f32
    linalg.yield %d : f32
  } -> tensor<3x7x5xf32>
  return %p : tensor<3x7x5xf32>
}

func.func @log_of_softmax(%x: tensor<4x9xf32>) -> tensor<4x9xf32> {
  %e = tensor.empty() : tensor<4x9xf32>
  %p = linalg.softmax dimension(1) ins(%x : tensor<4x9xf32>) outs(%e : tensor<4x9xf32>) -> tensor<4x9xf32>
  %l = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%p : tensor<4x9xf32>) outs(%e : tensor<4x9xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = math.log %a : f32
    linalg.yield %r : f32
  } -> tensor<4x9xf32>
  return %l : tensor<4x9xf32>
}

// torch-mlir's nll_loss_forward with reduction none, ignore_index 3.
func.func @nll_none(%lp: tensor<64x12xf32>, %y: tensor<64xi64>) -> tensor<64xf32> {
  %zero = arith.constant 0.0 : f32
  %ignore64 = arith.constant 3 : i64
  %ignore = arith.index_cast %ignore64 : i64 to index
  %e = tensor.empty() : tensor<64xf32>
  %l = linalg.generic {indexing_maps = [#tok, #tok], iterator_types = ["parallel"]} ins(%y : tensor<64xi64>) outs(%e : tensor<64xf32>) {
  ^bb0(%label: i64, %out: f32):
    %yi = arith.index_cast %label : i64 to index
    %ignored = arith.cmpi eq, %yi, %ignore : index
    %n = linalg.index 0 : index
    %x = tensor.extract %lp[%n, %yi] : tensor<64x12xf32>
    %neg = arith.negf %x : f32
    %r = arith.select %ignored, %zero, %neg : f32
    linalg.yield %r : f32
  } -> tensor<64xf32>
  return %l : tensor<64xf32>
}

// Nothing ignored, summed.
func.func @nll_sum(%lp: tensor<64x12xf32>, %y: tensor<64xi64>) -> tensor<f32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64xf32>
  %l = linalg.generic {indexing_maps = [#tok, #tok], iterator_types = ["parallel"]} ins(%y : tensor<64xi64>) outs(%e : tensor<64xf32>) {
  ^bb0(%label: i64, %out: f32):
    %yi = arith.index_cast %label : i64 to index
    %n = linalg.index 0 : index
    %x = tensor.extract %lp[%n, %yi] : tensor<64x12xf32>
    %neg = arith.negf %x : f32
    linalg.yield %neg : f32
  } -> tensor<64xf32>
  %s0 = tensor.empty() : tensor<f32>
  %sz = linalg.fill ins(%zero : f32) outs(%s0 : tensor<f32>) -> tensor<f32>
  %sum = linalg.generic {indexing_maps = [#tok, #all], iterator_types = ["reduction"]} ins(%l : tensor<64xf32>) outs(%sz : tensor<f32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %in, %acc : f32
    linalg.yield %a : f32
  } -> tensor<f32>
  return %sum : tensor<f32>
}

// The mean over the labels that are not ignored (the count an integer
// reduction of the labels).
func.func @nll_mean(%lp: tensor<64x12xf32>, %y: tensor<64xi64>) -> tensor<f32> {
  %zero = arith.constant 0.0 : f32
  %zi = arith.constant 0 : i32
  %ignore64 = arith.constant 3 : i64
  %ignore = arith.index_cast %ignore64 : i64 to index
  %e = tensor.empty() : tensor<64xf32>
  %l = linalg.generic {indexing_maps = [#tok, #tok], iterator_types = ["parallel"]} ins(%y : tensor<64xi64>) outs(%e : tensor<64xf32>) {
  ^bb0(%label: i64, %out: f32):
    %yi = arith.index_cast %label : i64 to index
    %ignored = arith.cmpi eq, %yi, %ignore : index
    %n = linalg.index 0 : index
    %x = tensor.extract %lp[%n, %yi] : tensor<64x12xf32>
    %neg = arith.negf %x : f32
    %r = arith.select %ignored, %zero, %neg : f32
    linalg.yield %r : f32
  } -> tensor<64xf32>
  %ce = tensor.empty() : tensor<i32>
  %cz = linalg.fill ins(%zi : i32) outs(%ce : tensor<i32>) -> tensor<i32>
  %count = linalg.generic {indexing_maps = [#tok, #all], iterator_types = ["reduction"]} ins(%y : tensor<64xi64>) outs(%cz : tensor<i32>) {
  ^bb0(%label: i64, %acc: i32):
    %yi = arith.index_cast %label : i64 to index
    %kept = arith.cmpi ne, %yi, %ignore : index
    %k = arith.extui %kept : i1 to i32
    %a = arith.addi %acc, %k : i32
    linalg.yield %a : i32
  } -> tensor<i32>
  %ci = tensor.extract %count[] : tensor<i32>
  %cf = arith.sitofp %ci : i32 to f32
  %s0 = tensor.empty() : tensor<f32>
  %sz = linalg.fill ins(%zero : f32) outs(%s0 : tensor<f32>) -> tensor<f32>
  %mean = linalg.generic {indexing_maps = [#tok, #all], iterator_types = ["reduction"]} ins(%l : tensor<64xf32>) outs(%sz : tensor<f32>) {
  ^bb0(%in: f32, %acc: f32):
    %d = arith.divf %in, %cf : f32
    %a = arith.addf %d, %acc : f32
    linalg.yield %a : f32
  } -> tensor<f32>
  return %mean : tensor<f32>
}

// Cross-entropy: the mean negative log-likelihood of a log-softmax of the
// logits, every step written out (the maximum's reduction dropping the
// class axis, the sum's keeping it).
func.func @cross_entropy(%logits: tensor<64x12xf32>, %y: tensor<64xi64>) -> tensor<f32> {
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %zi = arith.constant 0 : i32
  %ignore64 = arith.constant 3 : i64
  %ignore = arith.index_cast %ignore64 : i64 to index
  %er = tensor.empty() : tensor<64xf32>
  %e1 = tensor.empty() : tensor<64x1xf32>
  %e = tensor.empty() : tensor<64x12xf32>
  %minit = linalg.fill ins(%ninf : f32) outs(%er : tensor<64xf32>) -> tensor<64xf32>
  %max = linalg.generic {indexing_maps = [#id2, #drop], iterator_types = ["parallel", "reduction"]} ins(%logits : tensor<64x12xf32>) outs(%minit : tensor<64xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %m = arith.maximumf %in, %acc : f32
    linalg.yield %m : f32
  } -> tensor<64xf32>
  %t = linalg.generic {indexing_maps = [#id2, #drop, #id2], iterator_types = ["parallel", "parallel"]} ins(%logits, %max : tensor<64x12xf32>, tensor<64xf32>) outs(%e : tensor<64x12xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %d = arith.subf %a, %b : f32
    linalg.yield %d : f32
  } -> tensor<64x12xf32>
  %exp = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%t : tensor<64x12xf32>) outs(%e : tensor<64x12xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<64x12xf32>
  %sinit = linalg.fill ins(%zero : f32) outs(%e1 : tensor<64x1xf32>) -> tensor<64x1xf32>
  %sum = linalg.generic {indexing_maps = [#id2, #keep], iterator_types = ["parallel", "reduction"]} ins(%exp : tensor<64x12xf32>) outs(%sinit : tensor<64x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  } -> tensor<64x1xf32>
  %log = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%sum : tensor<64x1xf32>) outs(%e1 : tensor<64x1xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = math.log %a : f32
    linalg.yield %r : f32
  } -> tensor<64x1xf32>
  %lp = linalg.generic {indexing_maps = [#id2, #keep, #id2], iterator_types = ["parallel", "parallel"]} ins(%t, %log : tensor<64x12xf32>, tensor<64x1xf32>) outs(%e : tensor<64x12xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %d = arith.subf %a, %b : f32
    linalg.yield %d : f32
  } -> tensor<64x12xf32>
  %l = linalg.generic {indexing_maps = [#tok, #tok], iterator_types = ["parallel"]} ins(%y : tensor<64xi64>) outs(%er : tensor<64xf32>) {
  ^bb0(%label: i64, %out: f32):
    %yi = arith.index_cast %label : i64 to index
    %kept = arith.cmpi ne, %yi, %ignore : index
    %n = linalg.index 0 : index
    %x = tensor.extract %lp[%n, %yi] : tensor<64x12xf32>
    %neg = arith.negf %x : f32
    %r = arith.select %kept, %neg, %zero : f32
    linalg.yield %r : f32
  } -> tensor<64xf32>
  %ce = tensor.empty() : tensor<i32>
  %cz = linalg.fill ins(%zi : i32) outs(%ce : tensor<i32>) -> tensor<i32>
  %count = linalg.generic {indexing_maps = [#tok, #all], iterator_types = ["reduction"]} ins(%y : tensor<64xi64>) outs(%cz : tensor<i32>) {
  ^bb0(%label: i64, %acc: i32):
    %yi = arith.index_cast %label : i64 to index
    %k1 = arith.cmpi ne, %yi, %ignore : index
    %k = arith.extui %k1 : i1 to i32
    %a = arith.addi %acc, %k : i32
    linalg.yield %a : i32
  } -> tensor<i32>
  %ci = tensor.extract %count[] : tensor<i32>
  %cf = arith.sitofp %ci : i32 to f32
  %s0 = tensor.empty() : tensor<f32>
  %sz = linalg.fill ins(%zero : f32) outs(%s0 : tensor<f32>) -> tensor<f32>
  %mean = linalg.generic {indexing_maps = [#tok, #all], iterator_types = ["reduction"]} ins(%l : tensor<64xf32>) outs(%sz : tensor<f32>) {
  ^bb0(%in: f32, %acc: f32):
    %d = arith.divf %in, %cf : f32
    %a = arith.addf %acc, %d : f32
    linalg.yield %a : f32
  } -> tensor<f32>
  return %mean : tensor<f32>
}

// Nothing ignored, the mean a division by the number of labels.
func.func @nll_mean_all(%lp: tensor<64x12xf32>, %y: tensor<64xi64>) -> tensor<f32> {
  %zero = arith.constant 0.0 : f32
  %n64 = arith.constant 64.0 : f32
  %e = tensor.empty() : tensor<64xf32>
  %l = linalg.generic {indexing_maps = [#tok, #tok], iterator_types = ["parallel"]} ins(%y : tensor<64xi64>) outs(%e : tensor<64xf32>) {
  ^bb0(%label: i64, %out: f32):
    %yi = arith.index_cast %label : i64 to index
    %n = linalg.index 0 : index
    %x = tensor.extract %lp[%n, %yi] : tensor<64x12xf32>
    %neg = arith.negf %x : f32
    linalg.yield %neg : f32
  } -> tensor<64xf32>
  %s0 = tensor.empty() : tensor<f32>
  %sz = linalg.fill ins(%zero : f32) outs(%s0 : tensor<f32>) -> tensor<f32>
  %mean = linalg.generic {indexing_maps = [#tok, #all], iterator_types = ["reduction"]} ins(%l : tensor<64xf32>) outs(%sz : tensor<f32>) {
  ^bb0(%in: f32, %acc: f32):
    %d = arith.divf %in, %n64 : f32
    %a = arith.addf %d, %acc : f32
    linalg.yield %a : f32
  } -> tensor<f32>
  return %mean : tensor<f32>
}
