// Linear attention at sizes the seeded cases do not reach: key dimensions
// over several slices of 16 (the last one partial), value columns over
// several tiles (the last one partial), chunks of 64 padded at the end, a
// causal prefix of keys longer than a chunk, and bf16.

// Causal, 35 more keys than queries (their prefix starts the state), GQA,
// a key padding mask; Dk = 40, Dv = 70 (tiles of 64 + the column of ones).
func.func @linearized_causal(%q: tensor<2x4x45x40xf32>, %k: tensor<2x2x80x40xf32>, %v: tensor<2x2x80x70xf32>, %m: tensor<2x1x1x80xi1>) -> tensor<2x4x45x70xf32> {
  %o = attic.attention %q, %k, %v mask(%m : tensor<2x1x1x80xi1>) {causal, kernel = #attic.kernel<elu_plus_one>} : tensor<2x4x45x40xf32>, tensor<2x2x80x40xf32>, tensor<2x2x80x70xf32> -> tensor<2x4x45x70xf32>
  return %o : tensor<2x4x45x70xf32>
}

// Fewer keys than queries: the first 9 queries see none.
func.func @linearized_fewer_keys(%q: tensor<1x2x50x20xf32>, %k: tensor<1x1x41x20xf32>, %v: tensor<1x1x41x9xf32>) -> tensor<1x2x50x9xf32> {
  %o = attic.attention %q, %k, %v {causal, kernel = #attic.kernel<squared_relu>} : tensor<1x2x50x20xf32>, tensor<1x1x41x20xf32>, tensor<1x1x41x9xf32> -> tensor<1x2x50x9xf32>
  return %o : tensor<1x2x50x9xf32>
}

// The gated delta rule with a per-key decay in [-0.5, 0), beta in [0, 1),
// keys scaled by 1/sqrt(Dk), a past state; T = 100 (chunks of 64 and 36
// padded), Dk = 40, Dv = 70.
func.func @gated_delta(%q: tensor<1x4x100x40xf32>, %k0: tensor<1x2x100x40xf32>, %v: tensor<1x2x100x70xf32>, %past: tensor<1x2x40x70xf32>, %g0: tensor<1x2x100x40xf32>, %b0: tensor<1x2x100xf32>) -> (tensor<1x4x100x70xf32>, tensor<1x2x40x70xf32>) {
  %ks = arith.constant dense<0.158113883> : tensor<1x2x100x40xf32>
  %k = arith.mulf %k0, %ks : tensor<1x2x100x40xf32>
  %one = arith.constant dense<1.0> : tensor<1x2x100x40xf32>
  %quarter = arith.constant dense<0.25> : tensor<1x2x100x40xf32>
  %g1 = arith.subf %g0, %one : tensor<1x2x100x40xf32>
  %g = arith.mulf %g1, %quarter : tensor<1x2x100x40xf32>
  %bone = arith.constant dense<1.0> : tensor<1x2x100xf32>
  %half = arith.constant dense<0.5> : tensor<1x2x100xf32>
  %b1 = arith.addf %b0, %bone : tensor<1x2x100xf32>
  %beta = arith.mulf %b1, %half : tensor<1x2x100xf32>
  %o, %s = attic.linear_attention %q, %k, %v past(%past : tensor<1x2x40x70xf32>) decay(%g : tensor<1x2x100x40xf32>) beta(%beta : tensor<1x2x100xf32>) {update_rule = #attic.update_rule<gated_delta>} : tensor<1x4x100x40xf32>, tensor<1x2x100x40xf32>, tensor<1x2x100x70xf32> -> tensor<1x4x100x70xf32>, tensor<1x2x40x70xf32>
  return %o, %s : tensor<1x4x100x70xf32>, tensor<1x2x40x70xf32>
}

// The gated rule in bf16 (the state and sums in f32), a per-head decay.
func.func @gated_bf16(%q: tensor<2x2x50x24xbf16>, %k: tensor<2x2x50x24xbf16>, %v: tensor<2x2x50x20xbf16>, %g0: tensor<2x2x50xbf16>) -> (tensor<2x2x50x20xbf16>, tensor<2x2x24x20xbf16>) {
  %one = arith.constant dense<1.0> : tensor<2x2x50xbf16>
  %quarter = arith.constant dense<0.25> : tensor<2x2x50xbf16>
  %g1 = arith.subf %g0, %one : tensor<2x2x50xbf16>
  %g = arith.mulf %g1, %quarter : tensor<2x2x50xbf16>
  %o, %s = attic.linear_attention %q, %k, %v decay(%g : tensor<2x2x50xbf16>) {update_rule = #attic.update_rule<gated>} : tensor<2x2x50x24xbf16>, tensor<2x2x50x24xbf16>, tensor<2x2x50x20xbf16> -> tensor<2x2x50x20xbf16>, tensor<2x2x24x20xbf16>
  return %o, %s : tensor<2x2x50x20xbf16>, tensor<2x2x24x20xbf16>
}
