// attic-raise-onnx on the spellings it raises and on near matches it must
// leave alone.
// RUN: attic-opt %s --attic-raise-onnx --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @nodes
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<4x10xf32>)
// CHECK: %[[S:.*]] = attic.softmax %[[X]], axis = 1 : tensor<4x10xf32>
// CHECK: %[[L:.*]] = attic.log_softmax %[[X]], axis = 0 : tensor<4x10xf32>
// The result type the graph saw, unranked, is refined first (the
// shapes are known), and the Identity goes.
// CHECK-NOT: onnx.Identity
// CHECK-NOT: tensor.cast
// CHECK: return %[[S]], %[[L]], %[[L]] : tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>
func.func @nodes(%x: tensor<4x10xf32>) -> (tensor<4x10xf32>, tensor<*xf32>, tensor<4x10xf32>) {
  %s = onnx.Softmax %x : (tensor<4x10xf32>) -> tensor<4x10xf32>
  %l = onnx.LogSoftmax %x {axis = -2 : i64} : (tensor<4x10xf32>) -> tensor<*xf32>
  %i = onnx.Identity %l : (tensor<*xf32>) -> tensor<4x10xf32>
  return %s, %l, %i : tensor<4x10xf32>, tensor<*xf32>, tensor<4x10xf32>
}

// -----

// Expanded, with and without the maximum.
// CHECK-LABEL: func.func @expanded
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<4x10xf32>)
// CHECK-NEXT: %[[S:.*]] = attic.softmax %[[X]], axis = 1
// CHECK-NEXT: %[[T:.*]] = attic.softmax %[[X]], axis = 0
// CHECK-NEXT: %[[L:.*]] = attic.log_softmax %[[X]], axis = 1
// CHECK-NEXT: return %[[S]], %[[T]], %[[L]]
func.func @expanded(%x: tensor<4x10xf32>) -> (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>) {
  %a1 = onnx.Constant {value = dense<1> : tensor<1xi64>} : tensor<1xi64>
  %a0 = onnx.Constant {value = dense<-2> : tensor<1xi64>} : tensor<1xi64>
  %m = onnx.ReduceMax %x, %a1 : (tensor<4x10xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %t = onnx.Sub %x, %m : (tensor<4x10xf32>, tensor<4x1xf32>) -> tensor<4x10xf32>
  %e = onnx.Exp %t : (tensor<4x10xf32>) -> tensor<4x10xf32>
  %s = onnx.ReduceSum %e, %a1 : (tensor<4x10xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %p = onnx.Div %e, %s : (tensor<4x10xf32>, tensor<4x1xf32>) -> tensor<4x10xf32>
  %e0 = onnx.Exp %x : (tensor<4x10xf32>) -> tensor<4x10xf32>
  %s0 = onnx.ReduceSum %e0, %a0 : (tensor<4x10xf32>, tensor<1xi64>) -> tensor<1x10xf32>
  %p0 = onnx.Div %e0, %s0 : (tensor<4x10xf32>, tensor<1x10xf32>) -> tensor<4x10xf32>
  %ls = onnx.Log %s : (tensor<4x1xf32>) -> tensor<4x1xf32>
  %lp = onnx.Sub %t, %ls : (tensor<4x10xf32>, tensor<4x1xf32>) -> tensor<4x10xf32>
  return %p, %p0, %lp : tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>
}

// -----

// Near matches stay as they are: the maximum and the sum along different
// axes, a sum without keepdims, an unranked input, integer logits.
// CHECK-LABEL: func.func @near_misses
// CHECK-NOT: attic.
// CHECK: return
func.func @near_misses(%x: tensor<4x10xf32>, %u: tensor<*xf32>, %i: tensor<4x10xi32>) -> (tensor<4x10xf32>, tensor<4x10xf32>, tensor<*xf32>, tensor<4x10xi32>) {
  %a1 = onnx.Constant {value = dense<1> : tensor<1xi64>} : tensor<1xi64>
  %a0 = onnx.Constant {value = dense<0> : tensor<1xi64>} : tensor<1xi64>
  %m = onnx.ReduceMax %x, %a0 : (tensor<4x10xf32>, tensor<1xi64>) -> tensor<1x10xf32>
  %t = onnx.Sub %x, %m : (tensor<4x10xf32>, tensor<1x10xf32>) -> tensor<4x10xf32>
  %e = onnx.Exp %t : (tensor<4x10xf32>) -> tensor<4x10xf32>
  %s = onnx.ReduceSum %e, %a1 : (tensor<4x10xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %p = onnx.Div %e, %s : (tensor<4x10xf32>, tensor<4x1xf32>) -> tensor<4x10xf32>
  %e2 = onnx.Exp %x : (tensor<4x10xf32>) -> tensor<4x10xf32>
  %s2 = onnx.ReduceSum %e2, %a1 {keepdims = 0 : i64} : (tensor<4x10xf32>, tensor<1xi64>) -> tensor<4xf32>
  %p2 = onnx.Div %e2, %s2 : (tensor<4x10xf32>, tensor<4xf32>) -> tensor<4x10xf32>
  %pu = onnx.Softmax %u : (tensor<*xf32>) -> tensor<*xf32>
  %pi = onnx.Softmax %i : (tensor<4x10xi32>) -> tensor<4x10xi32>
  return %p, %p2, %pu, %pi : tensor<4x10xf32>, tensor<4x10xf32>, tensor<*xf32>, tensor<4x10xi32>
}

// -----

// CHECK-LABEL: func.func @losses
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<8x10x3xf32>, %[[Y:[a-zA-Z0-9_]+]]: tensor<8x3xi64>, %[[W:[a-zA-Z0-9_]+]]: tensor<10xf32>)
// CHECK: %[[A:.*]] = attic.cross_entropy %[[X]], %[[Y]] weights(%[[W]] : tensor<10xf32>) {ignore_index = -100 : i64, reduction = #attic.reduction<none>} : tensor<8x10x3xf32>, tensor<8x3xi64> -> tensor<8x3xf32>
// CHECK: %[[P:.*]] = attic.log_softmax %[[X]], axis = 1 : tensor<8x10x3xf32>
// CHECK: %[[B:.*]] = attic.cross_entropy %[[X]], %[[Y]] {reduction = #attic.reduction<sum>} : tensor<8x10x3xf32>, tensor<8x3xi64> -> tensor<f32>
// A log-likelihood of something else than a log-softmax along the classes
// is an NLL.
// CHECK: %[[N:.*]] = attic.nll_loss %[[X]], %[[Y]] : tensor<8x10x3xf32>, tensor<8x3xi64> -> tensor<f32>
// CHECK-NOT: onnx.
// CHECK: return %[[A]], %[[P]], %[[B]], %[[N]]
func.func @losses(%x: tensor<8x10x3xf32>, %y: tensor<8x3xi64>, %w: tensor<10xf32>) -> (tensor<8x3xf32>, tensor<8x10x3xf32>, tensor<f32>, tensor<f32>) {
  %none = onnx.None : none
  %l, %lp = onnx.SoftmaxCrossEntropyLoss %x, %y, %w {ignore_index = -100 : i64, reduction = "none"} : (tensor<8x10x3xf32>, tensor<8x3xi64>, tensor<10xf32>) -> (tensor<8x3xf32>, tensor<8x10x3xf32>)
  %ls = onnx.LogSoftmax %x {axis = 1 : i64} : (tensor<8x10x3xf32>) -> tensor<8x10x3xf32>
  %n = onnx.NegativeLogLikelihoodLoss %ls, %y, %none {reduction = "sum"} : (tensor<8x10x3xf32>, tensor<8x3xi64>, none) -> tensor<f32>
  %raw = onnx.NegativeLogLikelihoodLoss %x, %y, %none : (tensor<8x10x3xf32>, tensor<8x3xi64>, none) -> tensor<f32>
  return %l, %lp, %n, %raw : tensor<8x3xf32>, tensor<8x10x3xf32>, tensor<f32>, tensor<f32>
}

// -----

// NegativeLogLikelihoodLoss written out, as ONNX's function body spells it
// and with the Slice left out and the product's operands swapped: the
// weighted mean with an ignore index, and the plain per-position loss.
// CHECK-LABEL: func.func @written_out_nll
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<8x10x3xf32>, %[[Y:[a-zA-Z0-9_]+]]: tensor<8x3xi64>, %[[W:[a-zA-Z0-9_]+]]: tensor<10xf32>)
// CHECK-DAG: %[[M:.*]] = attic.nll_loss %[[X]], %[[Y]] weights(%[[W]] : tensor<10xf32>) {ignore_index = -1 : i64} : tensor<8x10x3xf32>, tensor<8x3xi64> -> tensor<f32>
// CHECK-DAG: %[[P:.*]] = attic.nll_loss %[[X]], %[[Y]] {reduction = #attic.reduction<none>} : tensor<8x10x3xf32>, tensor<8x3xi64> -> tensor<8x3xf32>
// CHECK-NOT: onnx.
// CHECK: return %[[M]], %[[P]]
func.func @written_out_nll(%x: tensor<8x10x3xf32>, %y: tensor<8x3xi64>, %w: tensor<10xf32>) -> (tensor<f32>, tensor<8x3xf32>) {
  %none = onnx.None : none
  %a1 = onnx.Constant {value = dense<1> : tensor<1xi64>} : tensor<1xi64>
  %ii = onnx.Constant {value = dense<-1> : tensor<1xi64>} : tensor<1xi64>
  %zf = onnx.Constant {value = dense<0.0> : tensor<f32>} : tensor<f32>
  %u = onnx.Unsqueeze %y, %a1 : (tensor<8x3xi64>, tensor<1xi64>) -> tensor<8x1x3xi64>
  %z = onnx.Sub %u, %u : (tensor<8x1x3xi64>, tensor<8x1x3xi64>) -> tensor<8x1x3xi64>
  %mask = onnx.Equal %u, %ii : (tensor<8x1x3xi64>, tensor<1xi64>) -> tensor<8x1x3xi1>
  %t = onnx.Where %mask, %z, %u : (tensor<8x1x3xi1>, tensor<8x1x3xi64>, tensor<8x1x3xi64>) -> tensor<8x1x3xi64>
  %g = onnx.GatherElements %x, %t {axis = 1 : i64} : (tensor<8x10x3xf32>, tensor<8x1x3xi64>) -> tensor<8x1x3xf32>
  %gm = onnx.Where %mask, %zf, %g : (tensor<8x1x3xi1>, tensor<f32>, tensor<8x1x3xf32>) -> tensor<8x1x3xf32>
  %n = onnx.Neg %gm : (tensor<8x1x3xf32>) -> tensor<8x1x3xf32>
  %l = onnx.Squeeze %n, %a1 : (tensor<8x1x3xf32>, tensor<1xi64>) -> tensor<8x3xf32>
  %wg = onnx.Gather %w, %t : (tensor<10xf32>, tensor<8x1x3xi64>) -> tensor<8x1x3xf32>
  %wm = onnx.Where %mask, %zf, %wg : (tensor<8x1x3xi1>, tensor<f32>, tensor<8x1x3xf32>) -> tensor<8x1x3xf32>
  %ws = onnx.Squeeze %wm, %a1 : (tensor<8x1x3xf32>, tensor<1xi64>) -> tensor<8x3xf32>
  %lw = onnx.Mul %ws, %l : (tensor<8x3xf32>, tensor<8x3xf32>) -> tensor<8x3xf32>
  %sl = onnx.ReduceSum %lw, %none {keepdims = 0 : i64} : (tensor<8x3xf32>, none) -> tensor<f32>
  %sw = onnx.ReduceSum %ws, %none {keepdims = 0 : i64} : (tensor<8x3xf32>, none) -> tensor<f32>
  %mean = onnx.Div %sl, %sw : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %gp = onnx.GatherElements %x, %u {axis = 1 : i64} : (tensor<8x10x3xf32>, tensor<8x1x3xi64>) -> tensor<8x1x3xf32>
  %np = onnx.Neg %gp : (tensor<8x1x3xf32>) -> tensor<8x1x3xf32>
  %lp = onnx.Squeeze %np, %a1 : (tensor<8x1x3xf32>, tensor<1xi64>) -> tensor<8x3xf32>
  return %mean, %lp : tensor<f32>, tensor<8x3xf32>
}

// -----

// Near matches of a written-out NLL: a gather along axis 2 stays ONNX; a
// sum divided by something else than the applied weights' sum, and a mean
// (ReduceMean) of positions where the ignored ones are zeroed but still
// counted, are no NLL means: only the sum and the per-position loss inside
// them are raised.
// CHECK-LABEL: func.func @not_nll
// CHECK: onnx.GatherElements %{{.*}} {axis = 2 : i64}
// CHECK: %[[S:.*]] = attic.nll_loss %{{.*}} {reduction = #attic.reduction<sum>}
// CHECK: %[[D:.*]] = onnx.Div %[[S]], %{{.*}}
// CHECK: %[[P:.*]] = attic.nll_loss %{{.*}} {ignore_index = -1 : i64, reduction = #attic.reduction<none>}
// CHECK: %[[M:.*]] = onnx.ReduceMean %[[P]]
// CHECK: return %{{.*}}, %[[D]], %[[M]]
func.func @not_nll(%x: tensor<8x10x3xf32>, %y: tensor<8x10xi64>, %y2: tensor<8x3xi64>, %w: tensor<10xf32>) -> (tensor<8x10xf32>, tensor<f32>, tensor<f32>) {
  %none = onnx.None : none
  %a1 = onnx.Constant {value = dense<1> : tensor<1xi64>} : tensor<1xi64>
  %a2 = onnx.Constant {value = dense<2> : tensor<1xi64>} : tensor<1xi64>
  %ii = onnx.Constant {value = dense<-1> : tensor<1xi64>} : tensor<1xi64>
  %zf = onnx.Constant {value = dense<0.0> : tensor<f32>} : tensor<f32>
  %u = onnx.Unsqueeze %y, %a2 : (tensor<8x10xi64>, tensor<1xi64>) -> tensor<8x10x1xi64>
  %g = onnx.GatherElements %x, %u {axis = 2 : i64} : (tensor<8x10x3xf32>, tensor<8x10x1xi64>) -> tensor<8x10x1xf32>
  %n = onnx.Neg %g : (tensor<8x10x1xf32>) -> tensor<8x10x1xf32>
  %l = onnx.Squeeze %n, %a2 : (tensor<8x10x1xf32>, tensor<1xi64>) -> tensor<8x10xf32>
  %u2 = onnx.Unsqueeze %y2, %a1 : (tensor<8x3xi64>, tensor<1xi64>) -> tensor<8x1x3xi64>
  %g2 = onnx.GatherElements %x, %u2 {axis = 1 : i64} : (tensor<8x10x3xf32>, tensor<8x1x3xi64>) -> tensor<8x1x3xf32>
  %n2 = onnx.Neg %g2 : (tensor<8x1x3xf32>) -> tensor<8x1x3xf32>
  %l2 = onnx.Squeeze %n2, %a1 : (tensor<8x1x3xf32>, tensor<1xi64>) -> tensor<8x3xf32>
  %wg = onnx.Gather %w, %y2 : (tensor<10xf32>, tensor<8x3xi64>) -> tensor<8x3xf32>
  %lw = onnx.Mul %l2, %wg : (tensor<8x3xf32>, tensor<8x3xf32>) -> tensor<8x3xf32>
  %sl = onnx.ReduceSum %lw, %none {keepdims = 0 : i64} : (tensor<8x3xf32>, none) -> tensor<f32>
  %count = onnx.Constant {value = dense<24.0> : tensor<f32>} : tensor<f32>
  %bad_mean = onnx.Div %sl, %count : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %mask = onnx.Equal %u2, %ii : (tensor<8x1x3xi64>, tensor<1xi64>) -> tensor<8x1x3xi1>
  %z = onnx.Sub %u2, %u2 : (tensor<8x1x3xi64>, tensor<8x1x3xi64>) -> tensor<8x1x3xi64>
  %t = onnx.Where %mask, %z, %u2 : (tensor<8x1x3xi1>, tensor<8x1x3xi64>, tensor<8x1x3xi64>) -> tensor<8x1x3xi64>
  %g3 = onnx.GatherElements %x, %t {axis = 1 : i64} : (tensor<8x10x3xf32>, tensor<8x1x3xi64>) -> tensor<8x1x3xf32>
  %gm = onnx.Where %mask, %zf, %g3 : (tensor<8x1x3xi1>, tensor<f32>, tensor<8x1x3xf32>) -> tensor<8x1x3xf32>
  %n3 = onnx.Neg %gm : (tensor<8x1x3xf32>) -> tensor<8x1x3xf32>
  %l3 = onnx.Squeeze %n3, %a1 : (tensor<8x1x3xf32>, tensor<1xi64>) -> tensor<8x3xf32>
  %counted = onnx.ReduceMean %l3, %none {keepdims = 0 : i64} : (tensor<8x3xf32>, none) -> tensor<f32>
  return %l, %bad_mean, %counted : tensor<8x10xf32>, tensor<f32>, tensor<f32>
}

// -----

// Selections of a softmax: TopK selects on the logits (values exp(v - lse),
// renormalized when the graph divides them by their sum), ArgMax reads the
// logits.
// CHECK-LABEL: func.func @selections
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<16x8xf32>)
// CHECK-DAG: %[[V:[a-zA-Z0-9_]+]], %[[I:[a-zA-Z0-9_]+]] = attic.topk_softmax %[[X]], k = 2, axis = 1 : tensor<16x8xf32> -> tensor<16x2xf32>, tensor<16x2xi64>
// CHECK-DAG: %[[R:[a-zA-Z0-9_]+]], %{{.*}} = attic.topk_softmax %[[X]], k = 2, axis = 1 {renormalize}
// CHECK-DAG: %[[A:[a-zA-Z0-9_]+]] = onnx.ArgMax %[[X]] {axis = 1 : i64, keepdims = 0 : i64} : (tensor<16x8xf32>) -> tensor<16xi64>
// CHECK-NOT: onnx.Softmax
// CHECK-NOT: onnx.TopK
// CHECK: return %[[V]], %[[I]], %[[R]], %[[A]]
func.func @selections(%x: tensor<16x8xf32>) -> (tensor<16x2xf32>, tensor<16x2xi64>, tensor<16x2xf32>, tensor<16xi64>) {
  %k = onnx.Constant {value = dense<2> : tensor<1xi64>} : tensor<1xi64>
  %a1 = onnx.Constant {value = dense<1> : tensor<1xi64>} : tensor<1xi64>
  %p = onnx.Softmax %x : (tensor<16x8xf32>) -> tensor<16x8xf32>
  %v, %i = onnx.TopK %p, %k : (tensor<16x8xf32>, tensor<1xi64>) -> (tensor<16x2xf32>, tensor<16x2xi64>)
  %s = onnx.ReduceSum %v, %a1 : (tensor<16x2xf32>, tensor<1xi64>) -> tensor<16x1xf32>
  %r = onnx.Div %v, %s : (tensor<16x2xf32>, tensor<16x1xf32>) -> tensor<16x2xf32>
  %am = onnx.ArgMax %p {axis = 1 : i64, keepdims = 0 : i64} : (tensor<16x8xf32>) -> tensor<16xi64>
  return %v, %i, %r, %am : tensor<16x2xf32>, tensor<16x2xi64>, tensor<16x2xf32>, tensor<16xi64>
}

// -----

// Not a selection of the softmax's axis, or not the sorted largest: left.
// CHECK-LABEL: func.func @other_selections
// CHECK: %[[P:[a-zA-Z0-9_]+]] = attic.softmax
// CHECK-NOT: attic.topk_softmax
// CHECK: onnx.TopK %[[P]]
// CHECK: onnx.TopK %[[P]]
// CHECK: onnx.ArgMax %[[P]] : (tensor<16x8xf32>) -> tensor<1x8xi64>
func.func @other_selections(%x: tensor<16x8xf32>) -> (tensor<16x2xf32>, tensor<2x8xf32>, tensor<1x8xi64>) {
  %k = onnx.Constant {value = dense<2> : tensor<1xi64>} : tensor<1xi64>
  %p = onnx.Softmax %x : (tensor<16x8xf32>) -> tensor<16x8xf32>
  %v, %i = onnx.TopK %p, %k {largest = 0 : i64} : (tensor<16x8xf32>, tensor<1xi64>) -> (tensor<16x2xf32>, tensor<16x2xi64>)
  %w, %j = onnx.TopK %p, %k {axis = 0 : i64} : (tensor<16x8xf32>, tensor<1xi64>) -> (tensor<2x8xf32>, tensor<2x8xi64>)
  %am = onnx.ArgMax %p {axis = 0 : i64} : (tensor<16x8xf32>) -> tensor<1x8xi64>
  return %v, %w, %am : tensor<16x2xf32>, tensor<2x8xf32>, tensor<1x8xi64>
}

// -----

// Attention nodes left alone: a causal diagonal over sequence lengths
// only known at run time, which may differ (ONNX and attic align it
// differently then); a mask that does not broadcast to the scores.
// CHECK-LABEL: func.func @attention_kept
// CHECK-COUNT-2: onnx.Attention
// CHECK-NOT: attic.
func.func @attention_kept(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x6x8xf32>, %qd: tensor<1x2x?x8xf32>, %kd: tensor<1x2x?x8xf32>, %m: tensor<1x2x3x6xi1>) -> (tensor<1x2x?x8xf32>, tensor<1x2x4x8xf32>) {
  %none = onnx.None : none
  %yd, %pk2, %pv2, %qk2 = onnx.Attention %qd, %kd, %kd, %none, %none, %none, %none {is_causal = 1 : i64} : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, none, none, none, none) -> (tensor<1x2x?x8xf32>, none, none, none)
  %ym, %pk3, %pv3, %qk3 = onnx.Attention %q, %k, %k, %m, %none, %none, %none : (tensor<1x2x4x8xf32>, tensor<1x2x6x8xf32>, tensor<1x2x6x8xf32>, tensor<1x2x3x6xi1>, none, none, none) -> (tensor<1x2x4x8xf32>, none, none, none)
  return %yd, %ym : tensor<1x2x?x8xf32>, tensor<1x2x4x8xf32>
}

// -----

// A used qk_matmul_output (mode 0: the scaled products) is computed beside
// the raised op; an opset-24 mask over 5 of the 6 keys is padded with
// false.
// CHECK-LABEL: func.func @attention_scores_and_short_mask
// CHECK: %[[KT:.*]] = onnx.Transpose %arg1 {perm = [0, 1, 3, 2]}
// CHECK: %[[S:.*]] = onnx.MatMul %arg0, %[[KT]] : (tensor<1x2x4x8xf32>, tensor<1x2x8x6xf32>) -> tensor<1x2x4x6xf32>
// CHECK: %[[QK:.*]] = onnx.Mul %[[S]], %{{.*}} : (tensor<1x2x4x6xf32>, tensor<f32>) -> tensor<1x2x4x6xf32>
// CHECK: %[[Y:.*]] = attic.attention %arg0, %arg1, %arg1 : tensor<1x2x4x8xf32>
// CHECK: %[[PAD:.*]] = onnx.Concat %arg2, %{{.*}} {axis = 3 : i64} : (tensor<1x2x4x5xi1>, tensor<1x2x4x1xi1>) -> tensor<1x2x4x6xi1>
// CHECK: %[[YM:.*]] = attic.attention %arg0, %arg1, %arg1 mask(%[[PAD]] : tensor<1x2x4x6xi1>)
// CHECK: return %[[Y]], %[[QK]], %[[YM]]
func.func @attention_scores_and_short_mask(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x6x8xf32>, %m: tensor<1x2x4x5xi1>) -> (tensor<1x2x4x8xf32>, tensor<1x2x4x6xf32>, tensor<1x2x4x8xf32>) {
  %none = onnx.None : none
  %y, %pk, %pv, %qk = onnx.Attention %q, %k, %k, %none, %none, %none, %none {qk_matmul_output_mode = 0 : i64} : (tensor<1x2x4x8xf32>, tensor<1x2x6x8xf32>, tensor<1x2x6x8xf32>, none, none, none, none) -> (tensor<1x2x4x8xf32>, none, none, tensor<1x2x4x6xf32>)
  %ym, %pk3, %pv3, %qk3 = onnx.Attention %q, %k, %k, %m, %none, %none, %none : (tensor<1x2x4x8xf32>, tensor<1x2x6x8xf32>, tensor<1x2x6x8xf32>, tensor<1x2x4x5xi1>, none, none, none) -> (tensor<1x2x4x8xf32>, none, none, none)
  return %y, %qk, %ym : tensor<1x2x4x8xf32>, tensor<1x2x4x6xf32>, tensor<1x2x4x8xf32>
}

// -----

// Written-out attention left alone: a float mask that does not broadcast to
// the [1, 2, 4, 4] scores, and a fill that does not mask (-1.0).
// CHECK-LABEL: func.func @attention_chain_kept
// CHECK-NOT: attic.attention
// CHECK: return
func.func @attention_chain_kept(%q: tensor<1x2x4x8xf32>, %kt: tensor<1x2x8x4xf32>, %v: tensor<1x2x4x8xf32>, %m: tensor<3x4xf32>, %b: tensor<4x4xi1>) -> (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) {
  %s = onnx.MatMul %q, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32>
  %a = onnx.Add %s, %m : (tensor<1x2x4x4xf32>, tensor<3x4xf32>) -> tensor<1x2x4x4xf32>
  %p = onnx.Softmax %a {axis = -1 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %y = onnx.MatMul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  %fill = onnx.Constant {value = dense<-1.0> : tensor<f32>} : tensor<f32>
  %w = onnx.Where %b, %s, %fill : (tensor<4x4xi1>, tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  %p2 = onnx.Softmax %w {axis = -1 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %y2 = onnx.MatMul %p2, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %y, %y2 : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>
}
