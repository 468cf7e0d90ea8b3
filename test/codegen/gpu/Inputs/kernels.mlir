// Every form with a GPU kernel, and ops around them that take the plain
// loop mapping.
func.func @softmax(%x: tensor<4x1000xf32>) -> tensor<4x1000xf32> {
  %y = attic.online_softmax <softmax> %x, axis = 1 : tensor<4x1000xf32> -> tensor<4x1000xf32>
  %z = arith.addf %y, %x : tensor<4x1000xf32>
  return %z : tensor<4x1000xf32>
}
func.func @log_softmax_f64(%x: tensor<6x70xf64>) -> tensor<6x70xf64> {
  %y = attic.online_softmax <log_softmax> %x, axis = 0 : tensor<6x70xf64> -> tensor<6x70xf64>
  return %y : tensor<6x70xf64>
}
func.func @two_pass_lse(%x: tensor<3x?x5xf16>) -> tensor<3x5xf16> {
  %y = attic.two_pass_softmax <logsumexp> %x, axis = 1 : tensor<3x?x5xf16> -> tensor<3x5xf16>
  return %y : tensor<3x5xf16>
}
func.func @two_pass_bf16(%x: tensor<8x300xbf16>) -> tensor<8x300xbf16> {
  %y = attic.two_pass_softmax <softmax> %x, axis = 1 : tensor<8x300xbf16> -> tensor<8x300xbf16>
  return %y : tensor<8x300xbf16>
}
func.func @flash(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x130x64xf32>, %v: tensor<2x2x130x64xf32>, %m: tensor<100x130xi1>, %len: tensor<2xi64>) -> tensor<2x8x100x64xf32> {
  %o = attic.flash_attention %q, %k, %v mask(%m : tensor<100x130xi1>) kv_lengths(%len : tensor<2xi64>) {causal, softcap = 30.0, block_q = 64, block_kv = 64} : tensor<2x8x100x64xf32>, tensor<2x2x130x64xf32>, tensor<2x2x130x64xf32> -> tensor<2x8x100x64xf32>
  return %o : tensor<2x8x100x64xf32>
}
func.func @flash_window(%q: tensor<1x4x64x32xf32>, %k: tensor<1x4x96x32xf32>, %v: tensor<1x4x96x48xf32>, %m: tensor<1x4x64x96xf32>) -> tensor<1x4x64x48xf32> {
  %o = attic.flash_attention %q, %k, %v mask(%m : tensor<1x4x64x96xf32>) {left_window = 16, right_window = 0, scale = 0.25, block_q = 32, block_kv = 32} : tensor<1x4x64x32xf32>, tensor<1x4x96x32xf32>, tensor<1x4x96x48xf32> -> tensor<1x4x64x48xf32>
  return %o : tensor<1x4x64x48xf32>
}
func.func @flash_softplus(%q: tensor<1x4x?x128xf16>, %k: tensor<1x4x?x128xf16>, %v: tensor<1x4x?x128xf16>) -> tensor<1x4x?x128xf16> {
  %o = attic.flash_attention %q, %k, %v {kernel = #attic.kernel<softplus>, train_length = 64, block_q = 64, block_kv = 64} : tensor<1x4x?x128xf16>, tensor<1x4x?x128xf16>, tensor<1x4x?x128xf16> -> tensor<1x4x?x128xf16>
  return %o : tensor<1x4x?x128xf16>
}
func.func @cut_cross_entropy(%h: tensor<100x48xf32>, %w: tensor<300x48xf32>, %y: tensor<100xi64>, %b: tensor<300xf32>) -> (tensor<f32>, tensor<100xf32>) {
  %l, %lse = attic.cut_cross_entropy %h, %w, %y bias(%b : tensor<300xf32>) {label_smoothing = 0.1, softcap = 30.0, block_n = 64, block_v = 64} : tensor<100x48xf32>, tensor<300x48xf32>, tensor<100xi64> -> tensor<f32>, tensor<100xf32>
  return %l, %lse : tensor<f32>, tensor<100xf32>
}
func.func @linearized(%q: tensor<2x4x50x32xf32>, %k: tensor<2x2x70x32xf32>, %v: tensor<2x2x70x24xf32>, %m: tensor<2x1x1x70xi1>, %len: tensor<2xi32>) -> tensor<2x4x50x24xf32> {
  %o = attic.linearized_attention %q, %k, %v mask(%m : tensor<2x1x1x70xi1>) kv_lengths(%len : tensor<2xi32>) {chunk_size = 16, kernel = #attic.kernel<elu_plus_one>} : tensor<2x4x50x32xf32>, tensor<2x2x70x32xf32>, tensor<2x2x70x24xf32> -> tensor<2x4x50x24xf32>
  return %o : tensor<2x4x50x24xf32>
}

func.func @cut_cross_entropy_grad(%h: tensor<100x48xf32>, %w: tensor<300x48xf32>, %y: tensor<100xi64>, %b: tensor<300xf32>, %g: tensor<f32>) -> (tensor<100x48xf32>, tensor<300x48xf32>, tensor<300xf32>) {
  %dh, %dw, %db = attic.cut_cross_entropy_grad %h, %w, %y, %g bias(%b : tensor<300xf32>) {label_smoothing = 0.1, softcap = 20.0, block_n = 64, block_v = 64, filter_eps = 1.0e-6} : tensor<100x48xf32>, tensor<300x48xf32>, tensor<100xi64>, tensor<f32> -> tensor<100x48xf32>, tensor<300x48xf32>, tensor<300xf32>
  return %dh, %dw, %db : tensor<100x48xf32>, tensor<300x48xf32>, tensor<300xf32>
}

func.func @linearized_causal(%q: tensor<1x4x45x40xf32>, %k: tensor<1x2x80x40xf32>, %v: tensor<1x2x80x70xf32>, %m: tensor<80xi1>) -> tensor<1x4x45x70xf32> {
  %o = attic.linearized_attention %q, %k, %v mask(%m : tensor<80xi1>) {causal, chunk_size = 32, kernel = #attic.kernel<relu>} : tensor<1x4x45x40xf32>, tensor<1x2x80x40xf32>, tensor<1x2x80x70xf32> -> tensor<1x4x45x70xf32>
  return %o : tensor<1x4x45x70xf32>
}

func.func @chunked_linear(%q: tensor<1x4x100x40xf32>, %k: tensor<1x2x100x40xf32>, %v: tensor<1x2x100x70xf32>, %past: tensor<1x2x40x70xf32>, %g0: tensor<1x2x100x40xf32>) -> (tensor<1x4x100x70xf32>, tensor<1x2x40x70xf32>) {
  %one = arith.constant dense<1.0> : tensor<1x2x100x40xf32>
  %quarter = arith.constant dense<0.25> : tensor<1x2x100x40xf32>
  %g1 = arith.subf %g0, %one : tensor<1x2x100x40xf32>
  %g = arith.mulf %g1, %quarter : tensor<1x2x100x40xf32>
  %o, %s = attic.chunked_linear_attention %q, %k, %v past(%past : tensor<1x2x40x70xf32>) decay(%g : tensor<1x2x100x40xf32>) {update_rule = #attic.update_rule<gated>, chunk_size = 64} : tensor<1x4x100x40xf32>, tensor<1x2x100x40xf32>, tensor<1x2x100x70xf32> -> tensor<1x4x100x70xf32>, tensor<1x2x40x70xf32>
  return %o, %s : tensor<1x4x100x70xf32>, tensor<1x2x40x70xf32>
}
