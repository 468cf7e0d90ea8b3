// A classifier head's log-probabilities, spelled the way an exporter might:
// log(softmax(x)). The canonicalizer turns it into attic.log_softmax (exact
// and more accurate); the reference lowering then computes it as a stable
// three-pass log-softmax in linalg.
func.func @log_probs(%logits: tensor<8x32000xf16>) -> tensor<8x32000xf16> {
  %p = attic.softmax %logits, axis = -1 : tensor<8x32000xf16>
  %logp = math.log %p : tensor<8x32000xf16>
  return %logp : tensor<8x32000xf16>
}
