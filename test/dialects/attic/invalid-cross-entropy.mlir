// Verifier messages of attic.cross_entropy.
// RUN: attic-opt %s --split-input-file --verify-diagnostics

func.func @logits_rank(%x: tensor<10xf32>, %y: tensor<i64>) {
  // expected-error @+1 {{logits must be [N, C] or [N, C, d1, ...], got rank 1}}
  %l = attic.cross_entropy %x, %y : tensor<10xf32>, tensor<i64> -> tensor<f32>
  return
}

// -----

func.func @labels_shape(%x: tensor<8x10xf32>, %y: tensor<8x3xi64>) {
  // expected-error @+1 {{labels shape [8, 3] does not match the logits shape without the class dimension = [8]}}
  %l = attic.cross_entropy %x, %y : tensor<8x10xf32>, tensor<8x3xi64> -> tensor<f32>
  return
}

// -----

func.func @labels_spatial(%x: tensor<2x10x3xf32>, %y: tensor<2x4xi64>) {
  // expected-error @+1 {{labels shape [2, 4] does not match the logits shape without the class dimension = [2, 3]}}
  %l = attic.cross_entropy %x, %y : tensor<2x10x3xf32>, tensor<2x4xi64> -> tensor<f32>
  return
}

// -----

func.func @labels_float(%x: tensor<8x10xf32>, %y: tensor<8xf32>) {
  // expected-error @+1 {{operand #1 must be ranked tensor of signless integer values}}
  %l = attic.cross_entropy %x, %y : tensor<8x10xf32>, tensor<8xf32> -> tensor<f32>
  return
}

// -----

func.func @weights_type(%x: tensor<8x10xf32>, %y: tensor<8xi64>, %w: tensor<10xf16>) {
  // expected-error @+1 {{weights element type 'f16' does not match logits element type 'f32'}}
  %l = attic.cross_entropy %x, %y weights(%w : tensor<10xf16>) : tensor<8x10xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @weights_shape(%x: tensor<8x10xf32>, %y: tensor<8xi64>, %w: tensor<11xf32>) {
  // expected-error @+1 {{weights shape [11] does not match [C] = [10]}}
  %l = attic.cross_entropy %x, %y weights(%w : tensor<11xf32>) : tensor<8x10xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @loss_type(%x: tensor<8x10xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{loss element type 'f16' does not match logits element type 'f32'}}
  %l = attic.cross_entropy %x, %y : tensor<8x10xf32>, tensor<8xi64> -> tensor<f16>
  return
}

// -----

func.func @loss_rank(%x: tensor<8x10xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{loss must be a 0-D tensor with reduction 'mean', got 'tensor<8xf32>'}}
  %l = attic.cross_entropy %x, %y : tensor<8x10xf32>, tensor<8xi64> -> tensor<8xf32>
  return
}

// -----

func.func @loss_rank_sum(%x: tensor<8x10xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{loss must be a 0-D tensor with reduction 'sum', got 'tensor<1xf32>'}}
  %l = attic.cross_entropy %x, %y {reduction = #attic.reduction<sum>} : tensor<8x10xf32>, tensor<8xi64> -> tensor<1xf32>
  return
}

// -----

func.func @loss_none_shape(%x: tensor<8x10xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{loss shape [] does not match the label shape (reduction 'none') = [8]}}
  %l = attic.cross_entropy %x, %y {reduction = #attic.reduction<none>} : tensor<8x10xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @lse_type(%x: tensor<8x10xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{lse element type 'f16' does not match logits element type 'f32'}}
  %l, %lse = attic.cross_entropy %x, %y {reduction = #attic.reduction<none>} : tensor<8x10xf32>, tensor<8xi64> -> tensor<8xf32>, tensor<8xf16>
  return
}

// -----

func.func @lse_shape(%x: tensor<8x10xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{lse shape [8, 10] does not match the label shape = [8]}}
  %l, %lse = attic.cross_entropy %x, %y {reduction = #attic.reduction<none>} : tensor<8x10xf32>, tensor<8xi64> -> tensor<8xf32>, tensor<8x10xf32>
  return
}

// -----

func.func @label_smoothing(%x: tensor<8x10xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{label_smoothing must be in [0, 1], got 1.5}}
  %l = attic.cross_entropy %x, %y {label_smoothing = 1.5 : f64} : tensor<8x10xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @z_loss(%x: tensor<8x10xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{z_loss must be non-negative and finite, got -0.001}}
  %l = attic.cross_entropy %x, %y {z_loss = -1.0e-3 : f64} : tensor<8x10xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @reduction(%x: tensor<8x10xf32>, %y: tensor<8xi64>) {
  // expected-error @+2 {{failed to parse Attic_ReductionAttr parameter 'value'}}
  // expected-error @+1 {{expected ::mlir::attic::Reduction to be one of: none, mean, sum}}
  %l = attic.cross_entropy %x, %y {reduction = #attic.reduction<max>} : tensor<8x10xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @kind_needs_q(%x: tensor<8x10xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{the 'generalized_cross_entropy' loss kind needs q}}
  %l = attic.cross_entropy %x, %y {kind = #attic.loss_kind<generalized_cross_entropy>} : tensor<8x10xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @q_unused(%x: tensor<8x10xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{q is given but the 'mean_absolute_error' loss kind does not use it}}
  %l = attic.cross_entropy %x, %y {kind = #attic.loss_kind<mean_absolute_error>, q = 0.5} : tensor<8x10xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @q_without_kind(%x: tensor<8x10xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{q is given but the 'cross_entropy' loss kind does not use it}}
  %l = attic.cross_entropy %x, %y {q = 0.5} : tensor<8x10xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @q_range(%x: tensor<8x10xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{q must be in (0, 1], got 0}}
  %l = attic.cross_entropy %x, %y {kind = #attic.loss_kind<generalized_cross_entropy>, q = 0.0} : tensor<8x10xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @sum_exponential_smoothing(%x: tensor<8x10xf32>, %y: tensor<8xi64>) {
  // expected-error @+1 {{label_smoothing is not defined for the 'sum_exponential' loss kind: its smoothing term sums 1/p over every class, which the least likely class dominates}}
  %l = attic.cross_entropy %x, %y {kind = #attic.loss_kind<sum_exponential>, label_smoothing = 0.1} : tensor<8x10xf32>, tensor<8xi64> -> tensor<f32>
  return
}

// -----

func.func @unknown_kind(%x: tensor<8x10xf32>, %y: tensor<8xi64>) {
  // expected-error @+2 {{expected ::mlir::attic::LossKind to be one of: cross_entropy, generalized_cross_entropy, mean_absolute_error, sum_exponential}}
  // expected-error @+1 {{failed to parse Attic_LossKindAttr parameter 'value'}}
  %l = attic.cross_entropy %x, %y {kind = #attic.loss_kind<hinge>} : tensor<8x10xf32>, tensor<8xi64> -> tensor<f32>
  return
}
