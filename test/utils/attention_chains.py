#!/usr/bin/python3
"""Writes ONNX test directories of attention spelled out the ways
exporters write it, with expected outputs computed by NumPy in float64
from the same graph, laid out as ONNX's backend tests.

  bert          heads split by Reshape/Transpose (K transposed straight to
                [B, H, D, S]), Div by sqrt(D), the extended padding mask
                (1 - m) * -10000 added, heads merged, output projection
  gpt2          one QKV projection and Split, Transpose of K's last two
                dimensions, Div, a constant lower triangle through Where
                with the lowest float (causal), a float mask added
  torch_mha     nn.MultiheadAttention: [B * H, S, D] tensors, Q scaled by
                a Mul before the product, a float [S, S] mask added
  sdpa_sqrt     sqrt(scale) on Q and on Kt, a padding mask through
                Where(pad, -inf, scores) (true masks)
  gqa_expand    K and V repeated for grouped-query heads by Unsqueeze,
                Expand and Reshape, a Trilu-built causal mask, scale by Mul
  softcap       a Gemma-2 style softcap, Mul(Tanh(Div(s, c)), c)
  not_keys      a softmax along the queries: no attention, left as it is

Usage: attention_chains.py OUTDIR
"""

import math
import os
import sys

import numpy as np
from onnx import helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_cases import write_case  # noqa: E402

RNG = np.random.default_rng(11)
LOWEST = float(np.finfo(np.float32).min)


def u(*shape, scale=1.0):
    return (RNG.uniform(-1, 1, shape) * scale).astype(np.float32)


def c(name, value):
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(value))


def i64(*v):
    return np.array(v, np.int64)


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def node(op, ins, outs, **kw):
    return helper.make_node(op, ins, outs, **kw)


def heads(x, B, S, H, D):
    """[B, S, H * D] -> [B, H, S, D] in float64."""
    return x.reshape(B, S, H, D).transpose(0, 2, 1, 3)


def main():
    out = sys.argv[1]
    B, S, H, D = 2, 5, 2, 8
    E = H * D

    # BERT.
    x, wq, wk, wv, wo = u(B, S, E), u(E, E), u(E, E), u(E, E), u(E, E)
    m = np.ones((B, 1, 1, S), np.float32)
    m[1, 0, 0, 3:] = 0
    x64 = x.astype(np.float64)
    q, k, v = (heads(x64 @ w, B, S, H, D) for w in (wq, wk, wv))
    s = q @ k.transpose(0, 1, 3, 2) / 8.0 + (1 - m) * -10000.0
    y = (softmax(s) @ v).transpose(0, 2, 1, 3).reshape(B, S, E) @ wo
    write_case(out, "bert", [
        c("shape4", i64(0, 0, H, D)), c("shape3", i64(0, 0, E)),
        c("sqrt_d", np.array(8.0, np.float32)), c("one", np.array(1.0, np.float32)),
        c("big", np.array(-10000.0, np.float32)),
        node("MatMul", ["x", "wq"], ["q3"]), node("MatMul", ["x", "wk"], ["k3"]),
        node("MatMul", ["x", "wv"], ["v3"]),
        node("Reshape", ["q3", "shape4"], ["q4"]), node("Reshape", ["k3", "shape4"], ["k4"]),
        node("Reshape", ["v3", "shape4"], ["v4"]),
        node("Transpose", ["q4"], ["q"], perm=[0, 2, 1, 3]),
        node("Transpose", ["k4"], ["kt"], perm=[0, 2, 3, 1]),
        node("Transpose", ["v4"], ["v"], perm=[0, 2, 1, 3]),
        node("MatMul", ["q", "kt"], ["qk"]), node("Div", ["qk", "sqrt_d"], ["scaled"]),
        node("Sub", ["one", "mask"], ["inv"]), node("Mul", ["inv", "big"], ["ext"]),
        node("Add", ["scaled", "ext"], ["masked"]),
        node("Softmax", ["masked"], ["p"], axis=-1), node("MatMul", ["p", "v"], ["ctx"]),
        node("Transpose", ["ctx"], ["ctx_t"], perm=[0, 2, 1, 3]),
        node("Reshape", ["ctx_t", "shape3"], ["ctx3"]), node("MatMul", ["ctx3", "wo"], ["y"]),
    ], [("x", x), ("mask", m)], [("y", y.astype(np.float32))],
        initializers=[("wq", wq), ("wk", wk), ("wv", wv), ("wo", wo)])

    # GPT-2.
    wqkv = u(E, 3 * E)
    causal = np.tril(np.ones((1, 1, S, S), bool))
    fm = u(B, 1, 1, S, scale=0.5)
    q, k, v = (heads(t, B, S, H, D) for t in np.split(x64 @ wqkv, 3, axis=-1))
    s = np.where(causal, q @ k.transpose(0, 1, 3, 2) / math.sqrt(D), LOWEST) + fm
    y = (softmax(s) @ v).transpose(0, 2, 1, 3).reshape(B, S, E)
    write_case(out, "gpt2", [
        c("shape4", i64(0, 0, H, D)), c("shape3", i64(0, 0, E)), c("split", i64(E, E, E)),
        c("sqrt_d", np.array(math.sqrt(D), np.float32)), c("causal", causal),
        c("lowest", np.array(LOWEST, np.float32)),
        node("MatMul", ["x", "wqkv"], ["qkv"]),
        node("Split", ["qkv", "split"], ["q3", "k3", "v3"], axis=2),
        node("Reshape", ["q3", "shape4"], ["q4"]), node("Reshape", ["k3", "shape4"], ["k4"]),
        node("Reshape", ["v3", "shape4"], ["v4"]),
        node("Transpose", ["q4"], ["q"], perm=[0, 2, 1, 3]),
        node("Transpose", ["k4"], ["k"], perm=[0, 2, 1, 3]),
        node("Transpose", ["v4"], ["v"], perm=[0, 2, 1, 3]),
        node("Transpose", ["k"], ["kt"], perm=[0, 1, 3, 2]),
        node("MatMul", ["q", "kt"], ["qk"]), node("Div", ["qk", "sqrt_d"], ["scaled"]),
        node("Where", ["causal", "scaled", "lowest"], ["causal_scores"]),
        node("Add", ["causal_scores", "fmask"], ["masked"]),
        node("Softmax", ["masked"], ["p"], axis=3), node("MatMul", ["p", "v"], ["ctx"]),
        node("Transpose", ["ctx"], ["ctx_t"], perm=[0, 2, 1, 3]),
        node("Reshape", ["ctx_t", "shape3"], ["y"]),
    ], [("x", x), ("fmask", fm)], [("y", y.astype(np.float32))], initializers=[("wqkv", wqkv)])

    # nn.MultiheadAttention: [B * H, S, D].
    qh, kh, vh = u(B * H, S, D), u(B * H, S, D), u(B * H, S, D)
    am = u(S, S, scale=2.0)
    scaling = float(np.float32(D ** -0.5))
    s = (qh.astype(np.float64) * scaling) @ kh.astype(np.float64).transpose(0, 2, 1) + am
    y = softmax(s) @ vh
    write_case(out, "torch_mha", [
        c("scaling", np.array(scaling, np.float32)),
        node("Mul", ["q", "scaling"], ["qs"]),
        node("Transpose", ["k"], ["kt"], perm=[0, 2, 1]),
        node("MatMul", ["qs", "kt"], ["qk"]), node("Add", ["qk", "am"], ["masked"]),
        node("Softmax", ["masked"], ["p"], axis=-1), node("MatMul", ["p", "v"], ["y"]),
    ], [("q", qh), ("k", kh), ("v", vh), ("am", am)], [("y", y.astype(np.float32))])

    # SDPA with sqrt(scale) on both sides and a padding mask that is true
    # where a key is padding.
    q4, k4, v4 = u(B, H, S, D), u(B, H, S, D), u(B, H, S, D)
    pad = np.zeros((B, 1, 1, S), bool)
    pad[0, 0, 0, 4] = True
    root = float(np.float32((1 / math.sqrt(D)) ** 0.5))
    s = (q4.astype(np.float64) * root) @ (k4.astype(np.float64).transpose(0, 1, 3, 2) * root)
    y = softmax(np.where(pad, -np.inf, s)) @ v4
    write_case(out, "sdpa_sqrt", [
        c("root", np.array(root, np.float32)), c("ninf", np.array(-np.inf, np.float32)),
        node("Transpose", ["k"], ["kt"], perm=[0, 1, 3, 2]),
        node("Mul", ["q", "root"], ["qs"]), node("Mul", ["kt", "root"], ["kts"]),
        node("MatMul", ["qs", "kts"], ["qk"]),
        node("Where", ["pad", "ninf", "qk"], ["masked"]),
        node("Softmax", ["masked"], ["p"], axis=-1), node("MatMul", ["p", "v"], ["y"]),
    ], [("q", q4), ("k", k4), ("v", v4), ("pad", pad)], [("y", y.astype(np.float32))])

    # Grouped-query heads through Expand, causal through Trilu.
    Hq, Hkv = 4, 2
    qg, kg, vg = u(B, Hq, S, D), u(B, Hkv, S, D), u(B, Hkv, S, D)
    rep = lambda t: np.repeat(t.astype(np.float64), Hq // Hkv, axis=1)
    sc = float(np.float32(0.3))
    s = qg.astype(np.float64) @ rep(kg).transpose(0, 1, 3, 2) * sc
    y = softmax(np.where(np.tril(np.ones((S, S), bool)), s, -np.inf)) @ rep(vg)
    write_case(out, "gqa_expand", [
        c("ax2", i64(2)), c("eshape", i64(B, Hkv, Hq // Hkv, S, D)),
        c("rshape", i64(B, Hq, S, D)), c("ones", np.ones((S, S), bool)),
        c("scale", np.array(sc, np.float32)), c("ninf", np.array(-np.inf, np.float32)),
        node("Unsqueeze", ["k", "ax2"], ["ku"]), node("Expand", ["ku", "eshape"], ["ke"]),
        node("Reshape", ["ke", "rshape"], ["kr"]),
        node("Unsqueeze", ["v", "ax2"], ["vu"]), node("Expand", ["vu", "eshape"], ["ve"]),
        node("Reshape", ["ve", "rshape"], ["vr"]),
        node("Transpose", ["kr"], ["kt"], perm=[0, 1, 3, 2]),
        node("MatMul", ["q", "kt"], ["qk"]), node("Mul", ["qk", "scale"], ["scaled"]),
        node("Trilu", ["ones"], ["tril"], upper=0),
        node("Where", ["tril", "scaled", "ninf"], ["masked"]),
        node("Softmax", ["masked"], ["p"], axis=-1), node("MatMul", ["p", "vr"], ["y"]),
    ], [("q", qg), ("k", kg), ("v", vg)], [("y", y.astype(np.float32))])

    # Softcap.
    s = q4.astype(np.float64) @ k4.astype(np.float64).transpose(0, 1, 3, 2) * 4.0
    y = softmax(np.tanh(s / 5.0) * 5.0) @ v4
    write_case(out, "softcap", [
        c("four", np.array(4.0, np.float32)), c("cap", np.array(5.0, np.float32)),
        node("Transpose", ["k"], ["kt"], perm=[0, 1, 3, 2]),
        node("MatMul", ["q", "kt"], ["qk"]), node("Mul", ["four", "qk"], ["scaled"]),
        node("Div", ["scaled", "cap"], ["d"]), node("Tanh", ["d"], ["t"]),
        node("Mul", ["t", "cap"], ["capped"]),
        node("Softmax", ["capped"], ["p"], axis=-1), node("MatMul", ["p", "v"], ["y"]),
    ], [("q", q4), ("k", k4), ("v", v4)], [("y", y.astype(np.float32))])

    # A softmax along the queries is no attention.
    s = q4.astype(np.float64) @ k4.astype(np.float64).transpose(0, 1, 3, 2)
    y = softmax(s, axis=2) @ v4
    write_case(out, "not_keys", [
        node("Transpose", ["k"], ["kt"], perm=[0, 1, 3, 2]),
        node("MatMul", ["q", "kt"], ["qk"]),
        node("Softmax", ["qk"], ["p"], axis=2), node("MatMul", ["p", "v"], ["y"]),
    ], [("q", q4), ("k", k4), ("v", v4)], [("y", y.astype(np.float32))])


if __name__ == "__main__":
    main()
