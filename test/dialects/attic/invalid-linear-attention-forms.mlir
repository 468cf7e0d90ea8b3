// Verifier messages of attic.linearized_attention and
// attic.chunked_linear_attention: their own, and some they share with
// attic.attention and attic.linear_attention.
// RUN: attic-opt %s --split-input-file --verify-diagnostics

func.func @kernel(%q: tensor<1x1x8x16xf32>, %k: tensor<1x1x8x16xf32>, %v: tensor<1x1x8x16xf32>) {
  // expected-error @+1 {{takes the feature-map kernels (elu_plus_one, relu, squared_relu), not 'softmax'}}
  %o = attic.linearized_attention %q, %k, %v {chunk_size = 4} : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32> -> tensor<1x1x8x16xf32>
  return
}

// -----

func.func @chunk(%q: tensor<1x1x8x16xf32>, %k: tensor<1x1x8x16xf32>, %v: tensor<1x1x8x16xf32>) {
  // expected-error @+1 {{chunk_size must be at least 1, got 0}}
  %o = attic.linearized_attention %q, %k, %v {chunk_size = 0, kernel = #attic.kernel<relu>} : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32> -> tensor<1x1x8x16xf32>
  return
}

// -----

func.func @dynamic(%q: tensor<1x1x?x16xf32>, %k: tensor<1x1x8x16xf32>, %v: tensor<1x1x8x16xf32>) {
  // expected-error @+1 {{needs static shapes, but the query has type 'tensor<1x1x?x16xf32>'}}
  %o = attic.linearized_attention %q, %k, %v {chunk_size = 4, kernel = #attic.kernel<relu>} : tensor<1x1x?x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32> -> tensor<1x1x?x16xf32>
  return
}

// -----

func.func @window(%q: tensor<1x1x8x16xf32>, %k: tensor<1x1x8x16xf32>, %v: tensor<1x1x8x16xf32>) {
  // expected-error @+1 {{sliding windows do not factorize; the linearized form takes none}}
  %o = attic.linearized_attention %q, %k, %v {chunk_size = 4, causal, left_window = 2 : i64, kernel = #attic.kernel<relu>} : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32> -> tensor<1x1x8x16xf32>
  return
}

// -----

func.func @causal_lengths(%q: tensor<2x1x8x16xf32>, %k: tensor<2x1x8x16xf32>, %v: tensor<2x1x8x16xf32>, %len: tensor<2xi64>) {
  // expected-error @+1 {{kv_lengths with causal moves each batch's diagonal; the linearized form takes them apart only}}
  %o = attic.linearized_attention %q, %k, %v kv_lengths(%len : tensor<2xi64>) {chunk_size = 4, causal, kernel = #attic.kernel<relu>} : tensor<2x1x8x16xf32>, tensor<2x1x8x16xf32>, tensor<2x1x8x16xf32> -> tensor<2x1x8x16xf32>
  return
}

// -----

func.func @query_mask(%q: tensor<1x1x8x16xf32>, %k: tensor<1x1x8x16xf32>, %v: tensor<1x1x8x16xf32>, %m: tensor<8x8xi1>) {
  // expected-error @+1 {{mask dimension 0 varies with the query position; the linearized form takes key padding masks ([B, 1, 1, Skv]) only}}
  %o = attic.linearized_attention %q, %k, %v mask(%m : tensor<8x8xi1>) {chunk_size = 4, kernel = #attic.kernel<relu>} : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32> -> tensor<1x1x8x16xf32>
  return
}

// -----

func.func @head_mask(%q: tensor<1x2x8x16xf32>, %k: tensor<1x1x8x16xf32>, %v: tensor<1x1x8x16xf32>, %m: tensor<1x2x1x8xi1>) {
  // expected-error @+1 {{mask dimension 1 varies with the query head}}
  %o = attic.linearized_attention %q, %k, %v mask(%m : tensor<1x2x1x8xi1>) {chunk_size = 4, kernel = #attic.kernel<relu>} : tensor<1x2x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32> -> tensor<1x2x8x16xf32>
  return
}

// -----

func.func @float_mask(%q: tensor<1x1x8x16xf32>, %k: tensor<1x1x8x16xf32>, %v: tensor<1x1x8x16xf32>, %m: tensor<1x1x1x8xf32>) {
  // expected-error @+1 {{a float mask needs a kernel with scores (softmax, softplus or gaussian), not 'elu_plus_one'; use an i1 mask}}
  %o = attic.linearized_attention %q, %k, %v mask(%m : tensor<1x1x1x8xf32>) {chunk_size = 4, kernel = #attic.kernel<elu_plus_one>} : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32> -> tensor<1x1x8x16xf32>
  return
}

// -----

func.func @chunked_chunk(%q: tensor<1x1x8x16xf32>, %k: tensor<1x1x8x16xf32>, %v: tensor<1x1x8x16xf32>) {
  // expected-error @+1 {{chunk_size must be at least 1, got -2}}
  %o, %s = attic.chunked_linear_attention %q, %k, %v {chunk_size = -2} : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32> -> tensor<1x1x8x16xf32>, tensor<1x1x16x16xf32>
  return
}

// -----

func.func @chunked_dynamic(%q: tensor<1x1x8x16xf32>, %k: tensor<1x1x8x16xf32>, %v: tensor<1x1x8x?xf32>) {
  // expected-error @+1 {{needs static shapes, but the value has type 'tensor<1x1x8x?xf32>'}}
  %o, %s = attic.chunked_linear_attention %q, %k, %v {chunk_size = 4} : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x?xf32> -> tensor<1x1x8x?xf32>, tensor<1x1x16x?xf32>
  return
}

// -----

func.func @chunked_rule(%q: tensor<1x1x8x16xf32>, %k: tensor<1x1x8x16xf32>, %v: tensor<1x1x8x16xf32>) {
  // expected-error @+1 {{the 'delta' update rule needs a beta}}
  %o, %s = attic.chunked_linear_attention %q, %k, %v {chunk_size = 4, update_rule = #attic.update_rule<delta>} : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32> -> tensor<1x1x8x16xf32>, tensor<1x1x16x16xf32>
  return
}

// -----

func.func @nystrom_kernel(%q: tensor<1x2x16x8xf32>) {
  // expected-error @+1 {{takes the gaussian kernel, not 'softmax'}}
  %o = attic.nystrom_attention %q, %q, %q {landmarks = 4, iterations = 10} : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32> -> tensor<1x2x16x8xf32>
  return
}

// -----

func.func @nystrom_landmarks(%q: tensor<1x2x16x8xf32>, %k: tensor<1x2x12x8xf32>) {
  // expected-error @+1 {{landmarks must be in [1, min(Sq, Skv) = 12], got 16}}
  %o = attic.nystrom_attention %q, %k, %k {kernel = #attic.kernel<gaussian>, landmarks = 16, iterations = 10} : tensor<1x2x16x8xf32>, tensor<1x2x12x8xf32>, tensor<1x2x12x8xf32> -> tensor<1x2x16x8xf32>
  return
}

// -----

func.func @nystrom_iterations(%q: tensor<1x2x16x8xf32>) {
  // expected-error @+1 {{iterations must be at least 1, got 0}}
  %o = attic.nystrom_attention %q, %q, %q {kernel = #attic.kernel<gaussian>, landmarks = 4, iterations = 0} : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32> -> tensor<1x2x16x8xf32>
  return
}

// -----

func.func @nystrom_causal(%q: tensor<1x2x16x8xf32>) {
  // expected-error @+1 {{masks, kv_lengths, causal and windows do not factorize through landmarks; the Nystrom form takes none}}
  %o = attic.nystrom_attention %q, %q, %q {kernel = #attic.kernel<gaussian>, causal, landmarks = 4, iterations = 10} : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32> -> tensor<1x2x16x8xf32>
  return
}

// -----

func.func @nystrom_dynamic(%q: tensor<1x2x?x8xf32>) {
  // expected-error @+1 {{needs static shapes, but the query has type 'tensor<1x2x?x8xf32>'}}
  %o = attic.nystrom_attention %q, %q, %q {kernel = #attic.kernel<gaussian>, landmarks = 4, iterations = 10} : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32> -> tensor<1x2x?x8xf32>
  return
}
