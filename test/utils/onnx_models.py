#!/usr/bin/python3
"""Writes small ONNX models that exercise the importer into a folder.

Each model is named after what it shows:
  reduce_opset17.onnx   ReduceMax/ReduceMean with the axes attribute
                        (before opset 18), ReduceSum with axes as an input
  split_opset13.onnx    Split into equal parts without the split input
  optional_io.onnx      Gemm without C (an empty input name), an
                        initializer, Constant spelled value_float and
                        value_ints, LayerNormalization with only Y
  custom_domain.onnx    a com.microsoft node whose output has no declared
                        type, and an If with subgraphs
  external_data.onnx    an initializer stored in external_data.bin
  softmax_mixture.onnx  a softmax of given weights times values: not
                        attention (no Q.Kt under the softmax)
  attention_nonpad_past.onnx
                        an Attention node with both nonpad_kv_seqlen and a
                        past key/value cache
  dynamic_reshape.onnx  a Reshape to a shape computed from a dynamic
                        dimension: imports, compiles once --shape fixes it
  bad_*.onnx            models Attic must refuse with one clear error

Usage: onnx_models.py OUTDIR
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def model(nodes, inputs, outputs, opset, initializers=(), domains=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(initializers))
    imports = [helper.make_opsetid("", opset)]
    imports += [helper.make_opsetid(d, 1) for d in domains]
    m = helper.make_model(graph, opset_imports=imports, producer_name="attic-test")
    m.ir_version = 8
    return m


def tensor_info(name, shape, elt=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elt, shape)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    models = {}

    models["reduce_opset17"] = model(
        [helper.make_node("ReduceMax", ["x"], ["m"], axes=[1], keepdims=1, name="max"),
         helper.make_node("ReduceMean", ["x"], ["a"], name="mean_all"),
         helper.make_node("ReduceSum", ["x", "axes"], ["s"], keepdims=0, name="sum")],
        [tensor_info("x", [4, 10])],
        [tensor_info("m", [4, 1]), tensor_info("a", [1, 1]), tensor_info("s", [4])],
        17, [numpy_helper.from_array(np.array([1], dtype=np.int64), "axes")])

    models["split_opset13"] = model(
        [helper.make_node("Split", ["x"], ["a", "b", "c"], axis=1, name="split")],
        [tensor_info("x", [2, 12])],
        [tensor_info("a", [2, 4]), tensor_info("b", [2, 4]), tensor_info("c", [2, 4])],
        13)

    models["optional_io"] = model(
        [helper.make_node("Gemm", ["x", "w", ""], ["y"], transB=1, name="proj"),
         helper.make_node("Constant", [], ["half"], value_float=0.5, name="half"),
         helper.make_node("Constant", [], ["shape"], value_ints=[2, 8], name="shape"),
         helper.make_node("Mul", ["y", "half"], ["z"], name="scale"),
         helper.make_node("Reshape", ["z", "shape"], ["r"], name="reshape"),
         helper.make_node("LayerNormalization", ["r", "g"], ["n"], epsilon=1e-6,
                          name="norm")],
        [tensor_info("x", [4, 3])],
        [tensor_info("n", [2, 8])],
        21,
        [numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(4, 3), "w"),
         numpy_helper.from_array(np.ones(8, dtype=np.float32), "g")])

    then_graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["t"])], "then", [], [tensor_info("t", [4])])
    else_graph = helper.make_graph(
        [helper.make_node("Neg", ["x"], ["e"])], "else", [], [tensor_info("e", [4])])
    models["custom_domain"] = model(
        [helper.make_node("FusedMatMul", ["a", "b"], ["y"], domain="com.microsoft",
                          transB=1, alpha=0.5, name="fused"),
         helper.make_node("If", ["c"], ["o"], then_branch=then_graph,
                          else_branch=else_graph, name="branch")],
        [tensor_info("a", [4, 8]), tensor_info("b", [16, 8]), tensor_info("c", [], TensorProto.BOOL),
         tensor_info("x", [4])],
        [helper.make_tensor_value_info("y", TensorProto.UNDEFINED, None), tensor_info("o", [4])],
        18, domains=["com.microsoft"])

    weights = numpy_helper.from_array(np.arange(6, dtype=np.float32).reshape(2, 3), "w")
    weights.ClearField("raw_data")
    weights.data_location = TensorProto.EXTERNAL
    with open(os.path.join(out, "external_data.bin"), "wb") as f:
        f.write(b"\0" * 16 + np.arange(6, dtype=np.float32).tobytes())
    for key, value in [("location", "external_data.bin"), ("offset", "16"), ("length", "24")]:
        entry = weights.external_data.add()
        entry.key, entry.value = key, value
    models["external_data"] = model(
        [helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
        [tensor_info("x", [4, 2])], [tensor_info("y", [4, 3])], 13, [weights])

    outside = onnx.TensorProto()
    outside.CopyFrom(weights)
    outside.external_data[0].value = "../external_data.bin"
    models["bad_external_path"] = model(
        [helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
        [tensor_info("x", [4, 2])], [tensor_info("y", [4, 3])], 13, [outside])

    models["bad_opset"] = model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")],
        [tensor_info("x", [4])], [tensor_info("y", [4])], 11)

    models["bad_undefined_input"] = model(
        [helper.make_node("Add", ["x", "missing"], ["y"], name="add")],
        [tensor_info("x", [4])], [tensor_info("y", [4])], 13)

    # A Shape of an undefined value at opset 18: ONNX's data propagation
    # reads its input's type before anything checks that it exists.
    models["bad_undefined_shape_input"] = model(
        [helper.make_node("Shape", ["missing"], ["s"], name="shape_of"),
         helper.make_node("Reshape", ["x", "s"], ["y"], name="reshape")],
        [tensor_info("x", [4])], [tensor_info("y", [4])], 18)

    models["bad_string"] = model(
        [helper.make_node("Identity", ["x"], ["y"], name="id")],
        [tensor_info("x", [4], TensorProto.STRING)], [tensor_info("y", [4], TensorProto.STRING)], 13)

    models["bad_arity"] = model(
        [helper.make_node("Softmax", ["x", "x"], ["y"], name="sm")],
        [tensor_info("x", [4])], [tensor_info("y", [4])], 13)

    models["bad_axis"] = model(
        [helper.make_node("Softmax", ["x"], ["y"], axis=3, name="sm")],
        [tensor_info("x", [2, 4])], [tensor_info("y", [2, 4])], 13)

    # An attribute of the wrong kind: a list of floats for Gemm's transB.
    kind = helper.make_node("Gemm", ["x", "w"], ["y"], name="proj")
    kind.attribute.append(helper.make_attribute("transB", [1.0, 2.0]))
    models["bad_attribute_kind"] = model(
        [kind], [tensor_info("x", [4, 2]), tensor_info("w", [2, 3])],
        [tensor_info("y", [4, 3])], 13)

    # What ONNX's shape inference divides by without checking (the fuzzer
    # found the first): a Split without outputs, and one of num_outputs 0.
    models["bad_no_outputs"] = model(
        [helper.make_node("Split", ["x"], [], axis=1, name="split")],
        [tensor_info("x", [2, 12])], [], 13)
    models["bad_num_outputs"] = model(
        [helper.make_node("Split", ["x"], ["a"], axis=1, num_outputs=0,
                          name="split")],
        [tensor_info("x", [2, 12])], [tensor_info("a", [2, 12])], 18)

    # Imports, but its shapes are only known at run time: a Reshape to a
    # shape the graph computes from an input of dynamic length.
    models["dynamic_reshape"] = model(
        [helper.make_node("Shape", ["s"], ["shape"], name="shape_of"),
         helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")],
        [tensor_info("x", ["n", 4]), tensor_info("s", ["n", 2, 2])],
        [tensor_info("y", None)], 13)

    # An Attention node with key lengths and a cache: raising leaves it.
    models["attention_nonpad_past"] = model(
        [helper.make_node("Attention", ["q", "k", "v", "", "pk", "pv", "nonpad"], ["y"],
                          name="attn")],
        [tensor_info("q", [1, 2, 4, 8]), tensor_info("k", [1, 2, 4, 8]),
         tensor_info("v", [1, 2, 4, 8]), tensor_info("pk", [1, 2, 3, 8]),
         tensor_info("pv", [1, 2, 3, 8]), tensor_info("nonpad", [1], TensorProto.INT64)],
        [tensor_info("y", [1, 2, 4, 8])], 24)

    # A softmax of given weights applied to values: attention-shaped, but
    # no product of Q and K under it; optimize says so.
    models["softmax_mixture"] = model(
        [helper.make_node("Softmax", ["w"], ["p"], axis=-1, name="weights"),
         helper.make_node("MatMul", ["p", "v"], ["y"], name="mix")],
        [tensor_info("w", [1, 2, 4, 4]), tensor_info("v", [1, 2, 4, 8])],
        [tensor_info("y", [1, 2, 4, 8])], 17)

    for name, m in models.items():
        onnx.save(m, os.path.join(out, name + ".onnx"))
    # Not protobuf at all, and a valid model cut short.
    with open(os.path.join(out, "bad_garbage.onnx"), "wb") as f:
        f.write(b"\xff\xff\xff\xff not a model")
    data = models["optional_io"].SerializeToString()
    with open(os.path.join(out, "bad_truncated.onnx"), "wb") as f:
        f.write(data[: len(data) // 2])


if __name__ == "__main__":
    main()
