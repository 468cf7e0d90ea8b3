// Attention in linalg (torch-mlir and IREE spellings) for raise-linalg-exec.test.
func.func @batch_attention_transpose(%q: tensor<6x16x8xf32>, %k: tensor<6x20x8xf32>, %v: tensor<6x20x4xf32>) -> tensor<6x16x4xf32> {
  %zero = arith.constant 0.0 : f32
  %sqrt_d = arith.constant 2.8284271247461903 : f32
  %kt_init = tensor.empty() : tensor<6x8x20xf32>
  %kt = linalg.transpose ins(%k : tensor<6x20x8xf32>) outs(%kt_init : tensor<6x8x20xf32>) permutation = [0, 2, 1]
  %s_init = tensor.empty() : tensor<6x16x20xf32>
  %s_zero = linalg.fill ins(%zero : f32) outs(%s_init : tensor<6x16x20xf32>) -> tensor<6x16x20xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<6x16x8xf32>, tensor<6x8x20xf32>) outs(%s_zero : tensor<6x16x20xf32>) -> tensor<6x16x20xf32>
  %scaled = linalg.generic {indexing_maps = [affine_map<(b, i, j) -> (b, i, j)>, affine_map<(b, i, j) -> (b, i, j)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s : tensor<6x16x20xf32>) outs(%s_init : tensor<6x16x20xf32>) {
  ^bb0(%in: f32, %out: f32):
    %d = arith.divf %in, %sqrt_d : f32
    linalg.yield %d : f32
  } -> tensor<6x16x20xf32>
  %p = linalg.softmax dimension(2) ins(%scaled : tensor<6x16x20xf32>) outs(%s_init : tensor<6x16x20xf32>) -> tensor<6x16x20xf32>
  %o_init = tensor.empty() : tensor<6x16x4xf32>
  %o_zero = linalg.fill ins(%zero : f32) outs(%o_init : tensor<6x16x4xf32>) -> tensor<6x16x4xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<6x16x20xf32>, tensor<6x20x4xf32>) outs(%o_zero : tensor<6x16x4xf32>) -> tensor<6x16x4xf32>
  return %o : tensor<6x16x4xf32>
}

func.func @unscaled(%q: tensor<2x4x8xf32>, %k: tensor<2x4x8xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x4xf32>
  %sz = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (b, n, k)>, affine_map<(b, m, n, k) -> (b, m, n)>] ins(%q, %k : tensor<2x4x8xf32>, tensor<2x4x8xf32>) outs(%sz : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%s : tensor<2x4x4xf32>) outs(%e : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %oe = tensor.empty() : tensor<2x4x8xf32>
  %oz = linalg.fill ins(%zero : f32) outs(%oe : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%oz : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

func.func @batch_mask(%q: tensor<3x5x8xf32>, %k: tensor<3x6x8xf32>, %v: tensor<3x6x4xf32>, %m: tensor<3x5x6xf32>) -> tensor<3x5x4xf32> {
  %zero = arith.constant 0.0 : f32
  %c = arith.constant 0.25 : f32
  %e = tensor.empty() : tensor<3x5x6xf32>
  %sz = linalg.fill ins(%zero : f32) outs(%e : tensor<3x5x6xf32>) -> tensor<3x5x6xf32>
  %s = linalg.batch_matmul indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (b, n, k)>, affine_map<(b, m, n, k) -> (b, m, n)>] ins(%q, %k : tensor<3x5x8xf32>, tensor<3x6x8xf32>) outs(%sz : tensor<3x5x6xf32>) -> tensor<3x5x6xf32>
  %scaled = linalg.generic {indexing_maps = [affine_map<(b, i, j) -> (b, i, j)>, affine_map<(b, i, j) -> (b, i, j)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s : tensor<3x5x6xf32>) outs(%e : tensor<3x5x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %x = arith.mulf %in, %c : f32
    linalg.yield %x : f32
  } -> tensor<3x5x6xf32>
  %masked = linalg.generic {indexing_maps = [affine_map<(b, i, j) -> (b, i, j)>, affine_map<(b, i, j) -> (b, i, j)>, affine_map<(b, i, j) -> (b, i, j)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%scaled, %m : tensor<3x5x6xf32>, tensor<3x5x6xf32>) outs(%e : tensor<3x5x6xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %x = arith.addf %a, %b : f32
    linalg.yield %x : f32
  } -> tensor<3x5x6xf32>
  %p = linalg.softmax dimension(2) ins(%masked : tensor<3x5x6xf32>) outs(%e : tensor<3x5x6xf32>) -> tensor<3x5x6xf32>
  %oe = tensor.empty() : tensor<3x5x4xf32>
  %oz = linalg.fill ins(%zero : f32) outs(%oe : tensor<3x5x4xf32>) -> tensor<3x5x4xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<3x5x6xf32>, tensor<3x6x4xf32>) outs(%oz : tensor<3x5x4xf32>) -> tensor<3x5x4xf32>
  return %o : tensor<3x5x4xf32>
}

// The mask broadcast over the batch, added on the left.
func.func @broadcast_mask(%q: tensor<3x5x8xf32>, %k: tensor<3x6x8xf32>, %v: tensor<3x6x4xf32>, %m: tensor<5x6xf32>) -> tensor<3x5x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x5x6xf32>
  %sz = linalg.fill ins(%zero : f32) outs(%e : tensor<3x5x6xf32>) -> tensor<3x5x6xf32>
  %s = linalg.batch_matmul indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (b, n, k)>, affine_map<(b, m, n, k) -> (b, m, n)>] ins(%q, %k : tensor<3x5x8xf32>, tensor<3x6x8xf32>) outs(%sz : tensor<3x5x6xf32>) -> tensor<3x5x6xf32>
  %masked = linalg.generic {indexing_maps = [affine_map<(b, i, j) -> (i, j)>, affine_map<(b, i, j) -> (b, i, j)>, affine_map<(b, i, j) -> (b, i, j)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%m, %s : tensor<5x6xf32>, tensor<3x5x6xf32>) outs(%e : tensor<3x5x6xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %x = arith.addf %a, %b : f32
    linalg.yield %x : f32
  } -> tensor<3x5x6xf32>
  %p = linalg.softmax dimension(2) ins(%masked : tensor<3x5x6xf32>) outs(%e : tensor<3x5x6xf32>) -> tensor<3x5x6xf32>
  %oe = tensor.empty() : tensor<3x5x4xf32>
  %oz = linalg.fill ins(%zero : f32) outs(%oe : tensor<3x5x4xf32>) -> tensor<3x5x4xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<3x5x6xf32>, tensor<3x6x4xf32>) outs(%oz : tensor<3x5x4xf32>) -> tensor<3x5x4xf32>
  return %o : tensor<3x5x4xf32>
}

// A boolean mask as masked_fill writes it: the scaled scores where the mask
// is true, -inf elsewhere. (The diagonal is always kept, so that no row is
// masked out entirely: there the original gives NaN and attention zeros.)
func.func @bool_mask(%q: tensor<3x5x8xf32>, %k: tensor<3x6x8xf32>, %v: tensor<3x6x4xf32>, %m: tensor<3x5x6xi1>) -> tensor<3x5x4xf32> {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<3x5x6xf32>
  %sz = linalg.fill ins(%zero : f32) outs(%e : tensor<3x5x6xf32>) -> tensor<3x5x6xf32>
  %s = linalg.batch_matmul indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (b, n, k)>, affine_map<(b, m, n, k) -> (b, m, n)>] ins(%q, %k : tensor<3x5x8xf32>, tensor<3x6x8xf32>) outs(%sz : tensor<3x5x6xf32>) -> tensor<3x5x6xf32>
  %scaled = linalg.generic {indexing_maps = [affine_map<(b, i, j) -> (b, i, j)>, affine_map<(b, i, j) -> (b, i, j)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s : tensor<3x5x6xf32>) outs(%e : tensor<3x5x6xf32>) {
  ^bb0(%a: f32, %out: f32):
    %c = arith.constant 0.25 : f32
    %x = arith.mulf %a, %c : f32
    linalg.yield %x : f32
  } -> tensor<3x5x6xf32>
  %be = tensor.empty() : tensor<3x5x6xi1>
  %keep = linalg.generic {indexing_maps = [affine_map<(b, i, j) -> (b, i, j)>, affine_map<(b, i, j) -> (b, i, j)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%m : tensor<3x5x6xi1>) outs(%be : tensor<3x5x6xi1>) {
  ^bb0(%a: i1, %out: i1):
    %i = linalg.index 1 : index
    %j = linalg.index 2 : index
    %d = arith.cmpi eq, %i, %j : index
    %x = arith.ori %a, %d : i1
    linalg.yield %x : i1
  } -> tensor<3x5x6xi1>
  %masked = linalg.generic {indexing_maps = [affine_map<(b, i, j) -> (b, i, j)>, affine_map<(b, i, j) -> (b, i, j)>, affine_map<(b, i, j) -> (b, i, j)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%scaled, %keep : tensor<3x5x6xf32>, tensor<3x5x6xi1>) outs(%e : tensor<3x5x6xf32>) {
  ^bb0(%a: f32, %b: i1, %out: f32):
    %x = arith.select %b, %a, %ninf : f32
    linalg.yield %x : f32
  } -> tensor<3x5x6xf32>
  %p = linalg.softmax dimension(2) ins(%masked : tensor<3x5x6xf32>) outs(%e : tensor<3x5x6xf32>) -> tensor<3x5x6xf32>
  %oe = tensor.empty() : tensor<3x5x4xf32>
  %oz = linalg.fill ins(%zero : f32) outs(%oe : tensor<3x5x4xf32>) -> tensor<3x5x4xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<3x5x6xf32>, tensor<3x6x4xf32>) outs(%oz : tensor<3x5x4xf32>) -> tensor<3x5x4xf32>
  return %o : tensor<3x5x4xf32>
}

// The fill where the mask is true (a mask of what is hidden), -1e9 inside
// the body, the mask broadcast over the batch, unscaled scores.
func.func @bool_mask_hidden(%q: tensor<3x5x8xf32>, %k: tensor<3x6x8xf32>, %v: tensor<3x6x4xf32>, %m: tensor<5x6xi1>) -> tensor<3x5x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x5x6xf32>
  %sz = linalg.fill ins(%zero : f32) outs(%e : tensor<3x5x6xf32>) -> tensor<3x5x6xf32>
  %kt = tensor.empty() : tensor<3x8x6xf32>
  %t = linalg.transpose ins(%k : tensor<3x6x8xf32>) outs(%kt : tensor<3x8x6xf32>) permutation = [0, 2, 1]
  %s = linalg.batch_matmul ins(%q, %t : tensor<3x5x8xf32>, tensor<3x8x6xf32>) outs(%sz : tensor<3x5x6xf32>) -> tensor<3x5x6xf32>
  %be = tensor.empty() : tensor<5x6xi1>
  %hide = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%m : tensor<5x6xi1>) outs(%be : tensor<5x6xi1>) {
  ^bb0(%a: i1, %out: i1):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %d = arith.cmpi ne, %i, %j : index
    %x = arith.andi %a, %d : i1
    linalg.yield %x : i1
  } -> tensor<5x6xi1>
  %masked = linalg.generic {indexing_maps = [affine_map<(b, i, j) -> (i, j)>, affine_map<(b, i, j) -> (b, i, j)>, affine_map<(b, i, j) -> (b, i, j)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%hide, %s : tensor<5x6xi1>, tensor<3x5x6xf32>) outs(%e : tensor<3x5x6xf32>) {
  ^bb0(%h: i1, %a: f32, %out: f32):
    %fill = arith.constant -1.0e+09 : f32
    %x = arith.select %h, %fill, %a : f32
    linalg.yield %x : f32
  } -> tensor<3x5x6xf32>
  %p = linalg.softmax dimension(2) ins(%masked : tensor<3x5x6xf32>) outs(%e : tensor<3x5x6xf32>) -> tensor<3x5x6xf32>
  %oe = tensor.empty() : tensor<3x5x4xf32>
  %oz = linalg.fill ins(%zero : f32) outs(%oe : tensor<3x5x4xf32>) -> tensor<3x5x4xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<3x5x6xf32>, tensor<3x6x4xf32>) outs(%oz : tensor<3x5x4xf32>) -> tensor<3x5x4xf32>
  return %o : tensor<3x5x4xf32>
}

// Grouped-query attention as torch-mlir writes it: [B, H, S, D] tensors
// collapsed to [B * H, S, D] for the batched products, K and V of two heads
// repeated for four query heads (linalg.broadcast, collapsed), a float mask
// of the scores' shape.
func.func @grouped_heads(%q: tensor<2x4x5x8xf32>, %k: tensor<2x2x6x8xf32>, %v: tensor<2x2x6x4xf32>, %m: tensor<8x5x6xf32>) -> tensor<8x5x4xf32> {
  %zero = arith.constant 0.0 : f32
  %kb0 = tensor.empty() : tensor<2x2x2x6x8xf32>
  %kb = linalg.broadcast ins(%k : tensor<2x2x6x8xf32>) outs(%kb0 : tensor<2x2x2x6x8xf32>) dimensions = [2]
  %k4 = tensor.collapse_shape %kb [[0], [1, 2], [3], [4]] : tensor<2x2x2x6x8xf32> into tensor<2x4x6x8xf32>
  %vb0 = tensor.empty() : tensor<2x2x2x6x4xf32>
  %vb = linalg.broadcast ins(%v : tensor<2x2x6x4xf32>) outs(%vb0 : tensor<2x2x2x6x4xf32>) dimensions = [2]
  %v4 = tensor.collapse_shape %vb [[0], [1, 2], [3], [4]] : tensor<2x2x2x6x4xf32> into tensor<2x4x6x4xf32>
  %q3 = tensor.collapse_shape %q [[0, 1], [2], [3]] : tensor<2x4x5x8xf32> into tensor<8x5x8xf32>
  %k3 = tensor.collapse_shape %k4 [[0, 1], [2], [3]] : tensor<2x4x6x8xf32> into tensor<8x6x8xf32>
  %v3 = tensor.collapse_shape %v4 [[0, 1], [2], [3]] : tensor<2x4x6x4xf32> into tensor<8x6x4xf32>
  %e = tensor.empty() : tensor<8x5x6xf32>
  %sz = linalg.fill ins(%zero : f32) outs(%e : tensor<8x5x6xf32>) -> tensor<8x5x6xf32>
  %s = linalg.batch_matmul indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (b, n, k)>, affine_map<(b, m, n, k) -> (b, m, n)>] ins(%q3, %k3 : tensor<8x5x8xf32>, tensor<8x6x8xf32>) outs(%sz : tensor<8x5x6xf32>) -> tensor<8x5x6xf32>
  %scaled = linalg.generic {indexing_maps = [affine_map<(b, i, j) -> (b, i, j)>, affine_map<(b, i, j) -> (b, i, j)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s : tensor<8x5x6xf32>) outs(%e : tensor<8x5x6xf32>) {
  ^bb0(%a: f32, %out: f32):
    %c = arith.constant 0.35355339 : f32
    %x = arith.mulf %a, %c : f32
    linalg.yield %x : f32
  } -> tensor<8x5x6xf32>
  %masked = linalg.generic {indexing_maps = [affine_map<(b, i, j) -> (b, i, j)>, affine_map<(b, i, j) -> (b, i, j)>, affine_map<(b, i, j) -> (b, i, j)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%scaled, %m : tensor<8x5x6xf32>, tensor<8x5x6xf32>) outs(%e : tensor<8x5x6xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %x = arith.addf %a, %b : f32
    linalg.yield %x : f32
  } -> tensor<8x5x6xf32>
  %p = linalg.softmax dimension(2) ins(%masked : tensor<8x5x6xf32>) outs(%e : tensor<8x5x6xf32>) -> tensor<8x5x6xf32>
  %oe = tensor.empty() : tensor<8x5x4xf32>
  %oz = linalg.fill ins(%zero : f32) outs(%oe : tensor<8x5x4xf32>) -> tensor<8x5x4xf32>
  %o = linalg.batch_matmul ins(%p, %v3 : tensor<8x5x6xf32>, tensor<8x6x4xf32>) outs(%oz : tensor<8x5x4xf32>) -> tensor<8x5x4xf32>
  return %o : tensor<8x5x4xf32>
}
