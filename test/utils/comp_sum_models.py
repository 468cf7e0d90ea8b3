#!/usr/bin/python3
"""Writes ONNX models that spell comp-sum losses on the label's probability,
laid out as ONNX backend tests: OUTDIR/<name>/model.onnx and
test_data_set_0/{input_0,input_1,output_0}.pb (logits, labels, the loss
computed here in float64).

p, the label's probability, is GatherElements(Softmax(x, 1), Unsqueeze(y,
1), 1), squeezed on axis 1, or Exp of the same gather from LogSoftmax,
left [N, 1, ...]; the losses: -log p, (1 - p^q) / q (as a Div, or a Mul by
1 / q), 1 - p, 1 / p - 1 (as a Reciprocal, or a Div); then ReduceMean or
ReduceSum over everything, or none (the per-token loss, squeezed p only).

Usage: comp_sum_models.py OUTDIR
"""

import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper
import onnx

# name: (onnx nodes of the per-token loss from "p" to "l", numpy of it)
LOSSES = {
    "ce": ([helper.make_node("Log", ["p"], ["lp"]), helper.make_node("Neg", ["lp"], ["l"])],
           lambda p: -np.log(p)),
    "gce_div": ([helper.make_node("Pow", ["p", "q"], ["pq"]), helper.make_node("Sub", ["one", "pq"], ["u"]),
                 helper.make_node("Div", ["u", "q"], ["l"])],
                lambda p: (1 - p ** 0.7) / 0.7),
    "gce_mul": ([helper.make_node("Pow", ["p", "q"], ["pq"]), helper.make_node("Sub", ["one", "pq"], ["u"]),
                 helper.make_node("Mul", ["u", "inv_q"], ["l"])],
                lambda p: (1 - p ** 0.7) / 0.7),
    "mae": ([helper.make_node("Sub", ["one", "p"], ["l"])], lambda p: 1 - p),
    "sum_exp_reciprocal": ([helper.make_node("Reciprocal", ["p"], ["r"]), helper.make_node("Sub", ["r", "one"], ["l"])],
                           lambda p: 1 / p - 1),
    "sum_exp_div": ([helper.make_node("Div", ["one", "p"], ["r"]), helper.make_node("Sub", ["r", "one"], ["l"])],
                    lambda p: 1 / p - 1),
}


def constant(name, value, dtype=np.float32):
    return helper.make_node("Constant", [], [name],
                            value=numpy_helper.from_array(np.array(value, dtype=dtype)))


def write(out, name, loss, reduction, log_space, shape, rng):
    n, c = shape[0], shape[1]
    rest = list(shape[2:])
    loss_nodes, loss_np = LOSSES[loss]
    nodes = [constant("one", 1.0), constant("q", 0.7), constant("inv_q", 1 / 0.7),
             constant("ax1", [1], np.int64),
             helper.make_node("Unsqueeze", ["y", "ax1"], ["yi"])]
    if log_space:
        nodes += [helper.make_node("LogSoftmax", ["x"], ["sm"], axis=1),
                  helper.make_node("GatherElements", ["sm", "yi"], ["g"], axis=1),
                  helper.make_node("Exp", ["g"], ["p"])]
    else:
        nodes += [helper.make_node("Softmax", ["x"], ["sm"], axis=1),
                  helper.make_node("GatherElements", ["sm", "yi"], ["g"], axis=1),
                  helper.make_node("Squeeze", ["g", "ax1"], ["p"])]
    nodes += loss_nodes
    if reduction == "none":
        nodes.append(helper.make_node("Identity", ["l"], ["loss"]))
    else:
        nodes.append(helper.make_node("ReduceMean" if reduction == "mean" else "ReduceSum",
                                      ["l"], ["loss"], keepdims=0))
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape)),
         helper.make_tensor_value_info("y", TensorProto.INT64, [n] + rest)],
        [helper.make_tensor_value_info("loss", TensorProto.FLOAT,
                                       [n] + rest if reduction == "none" else [])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)],
                              producer_name="attic-test")
    model.ir_version = 8
    x = (rng.standard_normal(shape) * 3).astype(np.float32)
    y = rng.integers(0, c, size=[n] + rest).astype(np.int64)
    z = x.astype(np.float64)
    z = z - z.max(axis=1, keepdims=True)
    probs = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    p = np.take_along_axis(probs, y[:, None], axis=1)
    per_token = loss_np(p)
    if reduction == "none":
        total = per_token.reshape([n] + rest)
    else:
        total = per_token.mean() if reduction == "mean" else per_token.sum()
    folder = os.path.join(out, name)
    os.makedirs(os.path.join(folder, "test_data_set_0"), exist_ok=True)
    onnx.save(model, os.path.join(folder, "model.onnx"))
    for i, array in enumerate([x, y]):
        with open(os.path.join(folder, "test_data_set_0", f"input_{i}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(array).SerializeToString())
    with open(os.path.join(folder, "test_data_set_0", "output_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(np.array(total, dtype=np.float32)).SerializeToString())


def main():
    out = sys.argv[1]
    rng = np.random.default_rng(7)
    for loss in LOSSES:
        for reduction in ["mean", "sum", "none"]:
            for log_space in [False, True]:
                if reduction == "none" and log_space:
                    continue  # p stays [N, 1, ...]: no per-token loss shape
                shape = (6, 11, 3) if log_space else (8, 13)
                space = "log" if log_space else "prob"
                write(out, f"test_{loss}_{reduction}_{space}", loss, reduction, log_space, shape, rng)


if __name__ == "__main__":
    main()
