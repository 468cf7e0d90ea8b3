#!/usr/bin/python3
"""Writes ONNX test directories of a classifier matmul feeding a loss, with
expected outputs from NumPy in float64, laid out as ONNX's backend tests.

  matmul_bias_sce     MatMul(h, W [D, V]) + b, SoftmaxCrossEntropyLoss
                      with ignore_index, mean
  lm_head_flattened   [B, S, D] hidden states, MatMul, Reshape of the
                      logits to [B * S, V], LogSoftmax + NLL, sum
  gemm_transposed     Gemm(h, W [V, D], b, transB = 1), SCE, none
  logits_also_used    the logits are an output too: the loss is raised,
                      the matmul is not fused into it

Usage: classifier_losses.py OUTDIR
"""

import os
import sys

import numpy as np
from onnx import helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_cases import write_case  # noqa: E402

RNG = np.random.default_rng(5)


def u(*shape):
    return RNG.uniform(-1, 1, shape).astype(np.float32)


def losses(z, y, ignore=None):
    z = z.astype(np.float64)
    lse = np.log(np.exp(z - z.max(-1, keepdims=True)).sum(-1)) + z.max(-1)
    picked = np.take_along_axis(z, np.clip(y, 0, z.shape[-1] - 1)[:, None], -1)[:, 0]
    l = lse - picked
    valid = np.ones_like(l, bool) if ignore is None else y != ignore
    return np.where(valid, l, 0), valid


def main():
    out = sys.argv[1]
    N, D, V = 6, 8, 11
    h, w, b = u(N, D), u(D, V), u(V)
    y = RNG.integers(0, V, N).astype(np.int64)
    y[2] = -1
    l, valid = losses(h.astype(np.float64) @ w + b, y, ignore=-1)
    write_case(out, "matmul_bias_sce", [
        helper.make_node("MatMul", ["h", "w"], ["p"]),
        helper.make_node("Add", ["p", "b"], ["z"]),
        helper.make_node("SoftmaxCrossEntropyLoss", ["z", "y"], ["loss"], ignore_index=-1),
    ], [("h", h), ("y", y)], [("loss", np.array(l.sum() / valid.sum(), np.float32))],
        initializers=[("w", w), ("b", b)])

    B, S = 2, 3
    h3 = u(B, S, D)
    y2 = RNG.integers(0, V, (B * S,)).astype(np.int64)
    l, _ = losses((h3.astype(np.float64) @ w).reshape(B * S, V), y2)
    write_case(out, "lm_head_flattened", [
        helper.make_node("Constant", [], ["shape"],
                         value=numpy_helper.from_array(np.array([-1, V], np.int64))),
        helper.make_node("MatMul", ["h", "w"], ["z3"]),
        helper.make_node("Reshape", ["z3", "shape"], ["z"]),
        helper.make_node("LogSoftmax", ["z"], ["lp"], axis=1),
        helper.make_node("NegativeLogLikelihoodLoss", ["lp", "y"], ["loss"], reduction="sum"),
    ], [("h", h3), ("y", y2)], [("loss", np.array(l.sum(), np.float32))],
        initializers=[("w", w)])

    wt = u(V, D)
    l, _ = losses(h.astype(np.float64) @ wt.T + b, y % V)
    write_case(out, "gemm_transposed", [
        helper.make_node("Gemm", ["h", "wt", "b"], ["z"], transB=1),
        helper.make_node("SoftmaxCrossEntropyLoss", ["z", "y"], ["loss"], reduction="none"),
    ], [("h", h), ("y", y % V)], [("loss", l.astype(np.float32))],
        initializers=[("wt", wt), ("b", b)])

    z = h.astype(np.float64) @ w
    l, _ = losses(z, y % V)
    write_case(out, "logits_also_used", [
        helper.make_node("MatMul", ["h", "w"], ["z"]),
        helper.make_node("SoftmaxCrossEntropyLoss", ["z", "y"], ["loss"]),
    ], [("h", h), ("y", y % V)],
        [("loss", np.array(l.mean(), np.float32)), ("z", z.astype(np.float32))],
        initializers=[("w", w)])


if __name__ == "__main__":
    main()
