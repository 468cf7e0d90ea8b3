// RUN: attic-opt %s --attic-raise-onnx --split-input-file | FileCheck %s

// nn.MultiheadAttention: heads folded into the batch, [B*H, S, D] products,
// K transposed from [S, B*H, D] by one permutation, Q divided by sqrt(D)
// before the product: one attention with the scale, unit heads in front.
// CHECK-LABEL: func.func @mha_3d
// CHECK: %[[K:.*]] = onnx.Transpose %{{.*}} {perm = [0, 2, 1]} : (tensor<?x8x?xf32>) -> tensor<?x?x8xf32>
// CHECK: attic.attention %{{.*}}, %{{.*}}, %{{.*}} {scale = 0.353553{{[0-9]+}} : f64} : tensor<1x?x?x8xf32>, tensor<1x?x?x8xf32>, tensor<1x?x?x8xf32> -> tensor<1x?x?x8xf32>
// CHECK-NOT: onnx.Softmax
func.func @mha_3d(%q: tensor<?x?x8xf32> {onnx.dims = ["bh", "s", ""]}, %k: tensor<?x?x8xf32> {onnx.dims = ["s", "bh", ""]}, %v: tensor<?x?x8xf32> {onnx.dims = ["bh", "s", ""]}) -> tensor<?x?x8xf32> {
  %c = onnx.Constant {value = dense<2.82842708> : tensor<f32>} : tensor<f32>
  %qs = onnx.Div %q, %c : (tensor<?x?x8xf32>, tensor<f32>) -> tensor<?x?x8xf32>
  %kt = onnx.Transpose %k {perm = [1, 2, 0]} : (tensor<?x?x8xf32>) -> tensor<?x8x?xf32>
  %s = onnx.MatMul %qs, %kt : (tensor<?x?x8xf32>, tensor<?x8x?xf32>) -> tensor<?x?x?xf32>
  %p = onnx.Softmax %s {axis = -1 : i64} : (tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
  %o = onnx.MatMul %p, %v : (tensor<?x?x?xf32>, tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  return %o : tensor<?x?x8xf32>
}

// -----

// Softmax computed in f32 for f16 scores, with casts around it; a cast to
// the value's own type folds away.
// CHECK-LABEL: func.func @f16_softmax_in_f32
// CHECK: attic.attention %arg0, %{{.*}}, %arg2 {scale = 1.000000e+00 : f64} : tensor<1x2x4x8xf16>
// CHECK-NOT: onnx.Cast
func.func @f16_softmax_in_f32(%q: tensor<1x2x4x8xf16>, %k: tensor<1x2x4x8xf16>, %v: tensor<1x2x4x8xf16>) -> tensor<1x2x4x8xf16> {
  %kt = onnx.Transpose %k {perm = [0, 1, 3, 2]} : (tensor<1x2x4x8xf16>) -> tensor<1x2x8x4xf16>
  %s = onnx.MatMul %q, %kt : (tensor<1x2x4x8xf16>, tensor<1x2x8x4xf16>) -> tensor<1x2x4x4xf16>
  %s32 = onnx.Cast %s {to = 1 : i64} : (tensor<1x2x4x4xf16>) -> tensor<1x2x4x4xf32>
  %same = onnx.Cast %s32 {to = 1 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %p32 = onnx.Softmax %same {axis = -1 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %p = onnx.Cast %p32 {to = 10 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf16>
  %o = onnx.MatMul %p, %v : (tensor<1x2x4x4xf16>, tensor<1x2x4x8xf16>) -> tensor<1x2x4x8xf16>
  return %o : tensor<1x2x4x8xf16>
}

// -----

// A sliding window and the causal diagonal from position-index comparisons,
// (j <= i) & (j > i - 4), And-ed with a key padding mask behind leading
// Unsqueezes and negated for masked_fill: causal, left_window 3 and the
// padding mask.
// CHECK-LABEL: func.func @window_from_positions
// CHECK: %[[PAD:.*]] = onnx.Unsqueeze %arg3
// CHECK: attic.attention %arg0, %arg1, %arg2 mask(%[[PAD]] : tensor<?x1x?xi1>) {causal, left_window = 3 : i64, scale = 1.000000e+00 : f64}
func.func @window_from_positions(%q: tensor<?x2x?x8xf32> {onnx.dims = ["b", "", "s", ""]}, %k: tensor<?x2x?x8xf32> {onnx.dims = ["b", "", "s", ""]}, %v: tensor<?x2x?x8xf32> {onnx.dims = ["b", "", "s", ""]}, %pad: tensor<?x?xi1> {onnx.dims = ["b", "s"]}) -> tensor<?x2x?x8xf32> {
  %shape = onnx.Shape %q : (tensor<?x2x?x8xf32>) -> tensor<4xi64>
  %c2 = onnx.Constant {value = dense<2> : tensor<i64>} : tensor<i64>
  %n = onnx.Gather %shape, %c2 : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %zero = onnx.Constant {value = dense<0> : tensor<i64>} : tensor<i64>
  %one = onnx.Constant {value = dense<1> : tensor<i64>} : tensor<i64>
  %r = onnx.Node "" "Range"(%zero, %n, %one) {} : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %a0 = onnx.Constant {value = dense<0> : tensor<1xi64>} : tensor<1xi64>
  %a1 = onnx.Constant {value = dense<1> : tensor<1xi64>} : tensor<1xi64>
  %i = onnx.Unsqueeze %r, %a1 : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %j = onnx.Unsqueeze %r, %a0 : (tensor<?xi64>, tensor<1xi64>) -> tensor<1x?xi64>
  %lower = onnx.Node "" "LessOrEqual"(%j, %i) {} : (tensor<1x?xi64>, tensor<?x1xi64>) -> tensor<?x?xi1>
  %four = onnx.Constant {value = dense<4> : tensor<i64>} : tensor<i64>
  %im4 = onnx.Sub %i, %four : (tensor<?x1xi64>, tensor<i64>) -> tensor<?x1xi64>
  %upper = onnx.Node "" "Greater"(%j, %im4) {} : (tensor<1x?xi64>, tensor<?x1xi64>) -> tensor<?x?xi1>
  %band = onnx.And %lower, %upper : (tensor<?x?xi1>, tensor<?x?xi1>) -> tensor<?x?xi1>
  %band4 = onnx.Unsqueeze %band, %a0 : (tensor<?x?xi1>, tensor<1xi64>) -> tensor<1x?x?xi1>
  %pad3 = onnx.Unsqueeze %pad, %a1 : (tensor<?x?xi1>, tensor<1xi64>) -> tensor<?x1x?xi1>
  %allowed = onnx.And %band4, %pad3 : (tensor<1x?x?xi1>, tensor<?x1x?xi1>) -> tensor<?x?x?xi1>
  %masked = onnx.Not %allowed : (tensor<?x?x?xi1>) -> tensor<?x?x?xi1>
  %kt = onnx.Transpose %k {perm = [0, 1, 3, 2]} : (tensor<?x2x?x8xf32>) -> tensor<?x2x8x?xf32>
  %s = onnx.MatMul %q, %kt : (tensor<?x2x?x8xf32>, tensor<?x2x8x?xf32>) -> tensor<?x2x?x?xf32>
  %ninf = onnx.Constant {value = dense<0xFF800000> : tensor<f32>} : tensor<f32>
  %w = onnx.Where %masked, %ninf, %s : (tensor<?x?x?xi1>, tensor<f32>, tensor<?x2x?x?xf32>) -> tensor<?x2x?x?xf32>
  %p = onnx.Softmax %w {axis = -1 : i64} : (tensor<?x2x?x?xf32>) -> tensor<?x2x?x?xf32>
  %o = onnx.MatMul %p, %v : (tensor<?x2x?x?xf32>, tensor<?x2x?x8xf32>) -> tensor<?x2x?x8xf32>
  return %o : tensor<?x2x?x8xf32>
}

// -----

// -gather(log_softmax(x), y).mean() with the axes counted from the end,
// negated after the mean; and the masked variant, negated per token, whose
// weighting by `keep` stays around the per-token loss.
// CHECK-LABEL: func.func @gather_nll
// CHECK: %[[L:.*]] = attic.cross_entropy %arg0, %arg1 : tensor<?x16xf32>, tensor<?xi64> -> tensor<f32>
// CHECK: return %[[L]]
func.func @gather_nll(%x: tensor<?x16xf32> {onnx.dims = ["n", ""]}, %y: tensor<?xi64> {onnx.dims = ["n"]}) -> tensor<f32> {
  %none = onnx.None : none
  %lp = onnx.LogSoftmax %x {axis = -1 : i64} : (tensor<?x16xf32>) -> tensor<?x16xf32>
  %m1 = onnx.Constant {value = dense<-1> : tensor<1xi64>} : tensor<1xi64>
  %yi = onnx.Unsqueeze %y, %m1 : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %g = onnx.GatherElements %lp, %yi {axis = -1 : i64} : (tensor<?x16xf32>, tensor<?x1xi64>) -> tensor<?x1xf32>
  %g1 = onnx.Squeeze %g, %m1 : (tensor<?x1xf32>, tensor<1xi64>) -> tensor<?xf32>
  %mean = onnx.ReduceMean %g1, %none {keepdims = 0 : i64} : (tensor<?xf32>, none) -> tensor<f32>
  %loss = onnx.Neg %mean : (tensor<f32>) -> tensor<f32>
  return %loss : tensor<f32>
}
// CHECK-LABEL: func.func @gather_nll_masked
// CHECK: %[[T:.*]] = attic.cross_entropy %arg0, %arg1 {{.*}}reduction = #attic.reduction<none>
// CHECK: onnx.Mul %[[T]], %arg2
func.func @gather_nll_masked(%x: tensor<?x16xf32> {onnx.dims = ["n", ""]}, %y: tensor<?xi64> {onnx.dims = ["n"]}, %keep: tensor<?xf32> {onnx.dims = ["n"]}) -> tensor<f32> {
  %none = onnx.None : none
  %lp = onnx.LogSoftmax %x {axis = -1 : i64} : (tensor<?x16xf32>) -> tensor<?x16xf32>
  %m1 = onnx.Constant {value = dense<-1> : tensor<1xi64>} : tensor<1xi64>
  %yi = onnx.Unsqueeze %y, %m1 : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %g = onnx.GatherElements %lp, %yi {axis = -1 : i64} : (tensor<?x16xf32>, tensor<?x1xi64>) -> tensor<?x1xf32>
  %c1 = onnx.Constant {value = dense<1> : tensor<1xi64>} : tensor<1xi64>
  %g1 = onnx.Squeeze %g, %c1 : (tensor<?x1xf32>, tensor<1xi64>) -> tensor<?xf32>
  %nll = onnx.Neg %g1 : (tensor<?xf32>) -> tensor<?xf32>
  %w = onnx.Mul %nll, %keep : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
  %sum = onnx.ReduceSum %w, %none {keepdims = 0 : i64} : (tensor<?xf32>, none) -> tensor<f32>
  %n = onnx.ReduceSum %keep, %none {keepdims = 0 : i64} : (tensor<?xf32>, none) -> tensor<f32>
  %loss = onnx.Div %sum, %n : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %loss : tensor<f32>
}

// -----

// Grouped-query heads repeated as Llama exports them: the Expand's shape
// concatenated from K's shape, then Where(Equal(shape, -1), 1, shape);
// the attention reads the two key/value heads.
// CHECK-LABEL: func.func @gqa_expand_where
// CHECK: attic.attention %arg0, %arg1, %arg2 {{.*}} : tensor<?x4x?x8xf32>, tensor<?x2x?x8xf32>, tensor<?x2x?x8xf32> -> tensor<?x4x?x8xf32>
func.func @gqa_expand_where(%q: tensor<?x4x?x8xf32> {onnx.dims = ["b", "", "s", ""]}, %k: tensor<?x2x?x8xf32> {onnx.dims = ["b", "", "s", ""]}, %v: tensor<?x2x?x8xf32> {onnx.dims = ["b", "", "s", ""]}) -> tensor<?x4x?x8xf32> {
  %shape = onnx.Shape %k : (tensor<?x2x?x8xf32>) -> tensor<4xi64>
  %c0 = onnx.Constant {value = dense<0> : tensor<i64>} : tensor<i64>
  %c2 = onnx.Constant {value = dense<2> : tensor<i64>} : tensor<i64>
  %b = onnx.Gather %shape, %c0 : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %s = onnx.Gather %shape, %c2 : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %a0 = onnx.Constant {value = dense<0> : tensor<1xi64>} : tensor<1xi64>
  %b1 = onnx.Unsqueeze %b, %a0 : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %s1 = onnx.Unsqueeze %s, %a0 : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %two = onnx.Constant {value = dense<2> : tensor<1xi64>} : tensor<1xi64>
  %eight = onnx.Constant {value = dense<8> : tensor<1xi64>} : tensor<1xi64>
  %target = onnx.Concat %b1, %two, %two, %s1, %eight {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<5xi64>
  %m1 = onnx.Constant {value = dense<-1> : tensor<5xi64>} : tensor<5xi64>
  %ones = onnx.Constant {value = dense<1> : tensor<5xi64>} : tensor<5xi64>
  %eq = onnx.Equal %target, %m1 : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi1>
  %fixed = onnx.Where %eq, %ones, %target : (tensor<5xi1>, tensor<5xi64>, tensor<5xi64>) -> tensor<5xi64>
  %a2 = onnx.Constant {value = dense<2> : tensor<1xi64>} : tensor<1xi64>
  %ku = onnx.Unsqueeze %k, %a2 : (tensor<?x2x?x8xf32>, tensor<1xi64>) -> tensor<?x2x1x?x8xf32>
  %vu = onnx.Unsqueeze %v, %a2 : (tensor<?x2x?x8xf32>, tensor<1xi64>) -> tensor<?x2x1x?x8xf32>
  %ke = onnx.Expand %ku, %fixed : (tensor<?x2x1x?x8xf32>, tensor<5xi64>) -> tensor<*xf32>
  %ve = onnx.Expand %vu, %fixed : (tensor<?x2x1x?x8xf32>, tensor<5xi64>) -> tensor<*xf32>
  %merge = onnx.Constant {value = dense<[0, 4, -1, 8]> : tensor<4xi64>} : tensor<4xi64>
  %kr = onnx.Reshape %ke, %merge : (tensor<*xf32>, tensor<4xi64>) -> tensor<*xf32>
  %vr = onnx.Reshape %ve, %merge : (tensor<*xf32>, tensor<4xi64>) -> tensor<*xf32>
  %kt = onnx.Transpose %kr {perm = [0, 1, 3, 2]} : (tensor<*xf32>) -> tensor<*xf32>
  %sc = onnx.MatMul %q, %kt : (tensor<?x4x?x8xf32>, tensor<*xf32>) -> tensor<*xf32>
  %p = onnx.Softmax %sc {axis = -1 : i64} : (tensor<*xf32>) -> tensor<*xf32>
  %o = onnx.MatMul %p, %vr : (tensor<*xf32>, tensor<*xf32>) -> tensor<?x4x?x8xf32>
  return %o : tensor<?x4x?x8xf32>
}

// -----

// A near miss: [B*H, S, D] products whose folded batches are different
// symbols (nothing says the heads agree) are left alone, but for the
// softmax.
// CHECK-LABEL: func.func @mha_3d_other_heads
// CHECK-NOT: attic.attention
// CHECK: attic.softmax %{{.*}}, axis = 2
// CHECK: onnx.MatMul
func.func @mha_3d_other_heads(%q: tensor<?x?x8xf32> {onnx.dims = ["bh", "s", ""]}, %k: tensor<?x?x8xf32> {onnx.dims = ["s", "other", ""]}, %v: tensor<?x?x8xf32> {onnx.dims = ["bh", "s", ""]}) -> tensor<?x?x8xf32> {
  %kt = onnx.Transpose %k {perm = [1, 2, 0]} : (tensor<?x?x8xf32>) -> tensor<?x8x?xf32>
  %s = onnx.MatMul %q, %kt : (tensor<?x?x8xf32>, tensor<?x8x?xf32>) -> tensor<?x?x?xf32>
  %p = onnx.Softmax %s {axis = -1 : i64} : (tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
  %o = onnx.MatMul %p, %v : (tensor<?x?x?xf32>, tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  return %o : tensor<?x?x8xf32>
}

// -----

// BLOOM: [B*H, S, D] products whose masks and softmax go through a
// [B, H, S, S] view; a causal mask there holds for every head. A mask of
// the view that varies over the batch does not, and the chain is left.
// CHECK-LABEL: func.func @bloom_view
// CHECK: attic.attention {{.*}} {causal, scale = 2.500000e-01 : f64} : tensor<1x4x3x16xf32>
// CHECK-LABEL: func.func @bloom_view_batch_mask
// CHECK-NOT: attic.attention
func.func @bloom_view(%q: tensor<4x3x16xf32>, %kt: tensor<4x16x3xf32>, %v: tensor<4x3x16xf32>) -> tensor<4x3x16xf32> {
  %s = onnx.MatMul %q, %kt : (tensor<4x3x16xf32>, tensor<4x16x3xf32>) -> tensor<4x3x3xf32>
  %c = onnx.Constant {value = dense<2.500000e-01> : tensor<f32>} : tensor<f32>
  %ss = onnx.Mul %s, %c : (tensor<4x3x3xf32>, tensor<f32>) -> tensor<4x3x3xf32>
  %to4 = onnx.Constant {value = dense<[2, 2, 3, 3]> : tensor<4xi64>} : tensor<4xi64>
  %w = onnx.Reshape %ss, %to4 : (tensor<4x3x3xf32>, tensor<4xi64>) -> tensor<2x2x3x3xf32>
  %tril = onnx.Constant {value = dense<[[true, false, false], [true, true, false], [true, true, true]]> : tensor<3x3xi1>} : tensor<3x3xi1>
  %low = onnx.Constant {value = dense<-3.40282347E+38> : tensor<f32>} : tensor<f32>
  %m = onnx.Where %tril, %w, %low : (tensor<3x3xi1>, tensor<2x2x3x3xf32>, tensor<f32>) -> tensor<2x2x3x3xf32>
  %p = onnx.Softmax %m {axis = -1 : i64} : (tensor<2x2x3x3xf32>) -> tensor<2x2x3x3xf32>
  %to3 = onnx.Constant {value = dense<[4, 3, 3]> : tensor<3xi64>} : tensor<3xi64>
  %p3 = onnx.Reshape %p, %to3 : (tensor<2x2x3x3xf32>, tensor<3xi64>) -> tensor<4x3x3xf32>
  %o = onnx.MatMul %p3, %v : (tensor<4x3x3xf32>, tensor<4x3x16xf32>) -> tensor<4x3x16xf32>
  return %o : tensor<4x3x16xf32>
}
func.func @bloom_view_batch_mask(%q: tensor<4x3x16xf32>, %kt: tensor<4x16x3xf32>, %v: tensor<4x3x16xf32>, %pad: tensor<2x1x1x3xi1>) -> tensor<4x3x16xf32> {
  %s = onnx.MatMul %q, %kt : (tensor<4x3x16xf32>, tensor<4x16x3xf32>) -> tensor<4x3x3xf32>
  %to4 = onnx.Constant {value = dense<[2, 2, 3, 3]> : tensor<4xi64>} : tensor<4xi64>
  %w = onnx.Reshape %s, %to4 : (tensor<4x3x3xf32>, tensor<4xi64>) -> tensor<2x2x3x3xf32>
  %low = onnx.Constant {value = dense<-3.40282347E+38> : tensor<f32>} : tensor<f32>
  %m = onnx.Where %pad, %w, %low : (tensor<2x1x1x3xi1>, tensor<2x2x3x3xf32>, tensor<f32>) -> tensor<2x2x3x3xf32>
  %p = onnx.Softmax %m {axis = -1 : i64} : (tensor<2x2x3x3xf32>) -> tensor<2x2x3x3xf32>
  %to3 = onnx.Constant {value = dense<[4, 3, 3]> : tensor<3xi64>} : tensor<3xi64>
  %p3 = onnx.Reshape %p, %to3 : (tensor<2x2x3x3xf32>, tensor<3xi64>) -> tensor<4x3x3xf32>
  %o = onnx.MatMul %p3, %v : (tensor<4x3x3xf32>, tensor<4x3x16xf32>) -> tensor<4x3x16xf32>
  return %o : tensor<4x3x16xf32>
}
