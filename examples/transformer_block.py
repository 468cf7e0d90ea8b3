#!/usr/bin/python3
"""Writes examples/transformer_block/: a small GPT-style transformer block
with a language-model loss, as an ONNX model (opset 17, written out the
way exporters spell attention: MatMul, Div, a causal Where, Softmax,
MatMul) with one data set whose expected loss NumPy computed in float64.

  x [2, 16, 32], labels [2, 16]
  -> LayerNorm -> QKV projection, Split, 4 heads -> causal attention
  -> output projection, residual -> LayerNorm -> MLP (tanh GELU), residual
  -> LM head [32, 128] -> SoftmaxCrossEntropyLoss (mean)

`attic-onnx optimize` finds the attention and the classifier loss in it.

Usage: examples/transformer_block.py [OUTDIR]   (default: examples/)
"""

import math
import os
import sys

import numpy as np
from onnx import helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "test", "utils"))
from onnx_cases import write_case  # noqa: E402

B, S, E, H, V = 2, 16, 32, 4, 128
D = E // H


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else HERE
    r = np.random.default_rng(2026)
    w = lambda *s: (r.standard_normal(s) / math.sqrt(s[0])).astype(np.float32)
    weights = {
        "ln1_scale": np.ones(E, np.float32), "ln1_bias": np.zeros(E, np.float32),
        "w_qkv": w(E, 3 * E), "b_qkv": (0.1 * r.standard_normal(3 * E)).astype(np.float32),
        "w_o": w(E, E), "b_o": np.zeros(E, np.float32),
        "ln2_scale": np.ones(E, np.float32), "ln2_bias": np.zeros(E, np.float32),
        "w_fc": w(E, 4 * E), "b_fc": np.zeros(4 * E, np.float32),
        "w_proj": w(4 * E, E), "b_proj": np.zeros(E, np.float32),
        "w_lm": w(E, V),
    }
    x = r.standard_normal((B, S, E)).astype(np.float32)
    labels = r.integers(0, V, (B, S)).astype(np.int64)
    const = lambda name, v: helper.make_node(
        "Constant", [], [name], value=numpy_helper.from_array(np.asarray(v)))
    n = helper.make_node
    nodes = [
        const("heads", np.array([0, 0, H, D], np.int64)),
        const("merged", np.array([0, 0, E], np.int64)),
        const("flat", np.array([-1, V], np.int64)),
        const("flat_labels", np.array([-1], np.int64)),
        const("split", np.array([E, E, E], np.int64)),
        const("sqrt_d", np.array(math.sqrt(D), np.float32)),
        const("causal", np.tril(np.ones((1, 1, S, S), bool))),
        const("lowest", np.array(np.finfo(np.float32).min, np.float32)),
        const("half", np.array(0.5, np.float32)), const("one", np.array(1.0, np.float32)),
        const("three", np.array(3.0, np.float32)),
        const("c0", np.array(0.044715, np.float32)),
        const("c1", np.array(math.sqrt(2 / math.pi), np.float32)),
        n("LayerNormalization", ["x", "ln1_scale", "ln1_bias"], ["h"], axis=-1, name="ln1"),
        n("MatMul", ["h", "w_qkv"], ["qkv0"], name="qkv"),
        n("Add", ["qkv0", "b_qkv"], ["qkv1"], name="qkv_bias"),
        n("Split", ["qkv1", "split"], ["q0", "k0", "v0"], axis=2, name="split_qkv"),
        n("Reshape", ["q0", "heads"], ["q1"]), n("Reshape", ["k0", "heads"], ["k1"]),
        n("Reshape", ["v0", "heads"], ["v1"]),
        n("Transpose", ["q1"], ["q"], perm=[0, 2, 1, 3]),
        n("Transpose", ["k1"], ["k"], perm=[0, 2, 1, 3]),
        n("Transpose", ["v1"], ["v"], perm=[0, 2, 1, 3]),
        n("Transpose", ["k"], ["kt"], perm=[0, 1, 3, 2]),
        n("MatMul", ["q", "kt"], ["scores"], name="attn_scores"),
        n("Div", ["scores", "sqrt_d"], ["scaled"], name="attn_scale"),
        n("Where", ["causal", "scaled", "lowest"], ["masked"], name="attn_causal"),
        n("Softmax", ["masked"], ["probs"], axis=-1, name="attn_softmax"),
        n("MatMul", ["probs", "v"], ["ctx"], name="attn_context"),
        n("Transpose", ["ctx"], ["ctx1"], perm=[0, 2, 1, 3]),
        n("Reshape", ["ctx1", "merged"], ["ctx2"]),
        n("MatMul", ["ctx2", "w_o"], ["o0"], name="attn_out"),
        n("Add", ["o0", "b_o"], ["o1"]), n("Add", ["x", "o1"], ["x1"], name="residual1"),
        n("LayerNormalization", ["x1", "ln2_scale", "ln2_bias"], ["h2"], axis=-1, name="ln2"),
        n("MatMul", ["h2", "w_fc"], ["f0"], name="mlp_fc"), n("Add", ["f0", "b_fc"], ["f1"]),
        # GELU, tanh approximation.
        n("Pow", ["f1", "three"], ["f3"]), n("Mul", ["f3", "c0"], ["f4"]),
        n("Add", ["f1", "f4"], ["f5"]), n("Mul", ["f5", "c1"], ["f6"]),
        n("Tanh", ["f6"], ["f7"]), n("Add", ["f7", "one"], ["f8"]),
        n("Mul", ["f1", "f8"], ["f9"]), n("Mul", ["f9", "half"], ["g"], name="gelu"),
        n("MatMul", ["g", "w_proj"], ["p0"], name="mlp_proj"), n("Add", ["p0", "b_proj"], ["p1"]),
        n("Add", ["x1", "p1"], ["x2"], name="residual2"),
        n("MatMul", ["x2", "w_lm"], ["logits3"], name="lm_head"),
        n("Reshape", ["logits3", "flat"], ["logits"]),
        n("Reshape", ["labels", "flat_labels"], ["labels1"]),
        n("SoftmaxCrossEntropyLoss", ["logits", "labels1"], ["loss"], name="loss"),
    ]

    # The same in float64.
    f = {k: v.astype(np.float64) for k, v in weights.items()}

    def layer_norm(t, scale, bias):
        mu = t.mean(-1, keepdims=True)
        var = ((t - mu) ** 2).mean(-1, keepdims=True)
        return (t - mu) / np.sqrt(var + 1e-5) * scale + bias

    def split_heads(t):
        return t.reshape(B, S, H, D).transpose(0, 2, 1, 3)

    h = layer_norm(x.astype(np.float64), f["ln1_scale"], f["ln1_bias"])
    q, k, v = (split_heads(t) for t in np.split(h @ f["w_qkv"] + f["b_qkv"], 3, -1))
    s = np.where(np.tril(np.ones((S, S), bool)), q @ k.transpose(0, 1, 3, 2) / math.sqrt(D),
                 np.finfo(np.float32).min)
    p = np.exp(s - s.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    ctx = (p @ v).transpose(0, 2, 1, 3).reshape(B, S, E)
    x1 = x + ctx @ f["w_o"] + f["b_o"]
    f1 = layer_norm(x1, f["ln2_scale"], f["ln2_bias"]) @ f["w_fc"] + f["b_fc"]
    g = 0.5 * f1 * (1 + np.tanh(math.sqrt(2 / math.pi) * (f1 + 0.044715 * f1 ** 3)))
    x2 = x1 + g @ f["w_proj"] + f["b_proj"]
    z = (x2 @ f["w_lm"]).reshape(-1, V)
    lse = np.log(np.exp(z - z.max(-1, keepdims=True)).sum(-1)) + z.max(-1)
    loss = np.mean(lse - z[np.arange(B * S), labels.reshape(-1)])

    write_case(out, "transformer_block", nodes, [("x", x), ("labels", labels)],
               [("loss", np.array(loss, np.float32))],
               initializers=list(weights.items()), check=True)


if __name__ == "__main__":
    main()
