"""Writes one ONNX test directory laid out as ONNX's backend node tests:
NAME/model.onnx and NAME/test_data_set_0/{input,output}_<i>.pb."""

import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ELEMENT_TYPES = {np.dtype(np.float32): TensorProto.FLOAT,
                 np.dtype(np.float64): TensorProto.DOUBLE,
                 np.dtype(np.int64): TensorProto.INT64,
                 np.dtype(np.int32): TensorProto.INT32,
                 np.dtype(np.bool_): TensorProto.BOOL}


def write_case(out, name, nodes, inputs, outputs, initializers=(), opset=17,
               ir_version=8, check=False, dims=None, more_sets=()):
    """inputs, outputs, initializers: (name, array) pairs; the arrays'
    shapes and types declare the graph's inputs and outputs. `check` runs
    ONNX's model checker (which knows opsets up to 17 here). `dims` maps a
    graph input or output name to its declared dimensions where they are
    symbolic (a str is a dim_param); `more_sets` are further data sets, each
    a pair of lists of input and output arrays in order."""
    dims = dims or {}
    info = lambda n, a: helper.make_tensor_value_info(
        n, ELEMENT_TYPES[a.dtype], dims.get(n, list(a.shape)))
    graph = helper.make_graph(
        nodes, name, [info(n, a) for n, a in inputs], [info(n, a) for n, a in outputs],
        [numpy_helper.from_array(a, n) for n, a in initializers])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="attic-test")
    model.ir_version = ir_version
    if check:
        onnx.checker.check_model(model)
    data = os.path.join(out, name, "test_data_set_0")
    os.makedirs(data, exist_ok=True)
    with open(os.path.join(out, name, "model.onnx"), "wb") as f:
        f.write(model.SerializeToString())
    sets = [([a for _, a in inputs], [a for _, a in outputs])] + list(more_sets)
    for k, (ins, outs) in enumerate(sets):
        data = os.path.join(out, name, f"test_data_set_{k}")
        os.makedirs(data, exist_ok=True)
        for kind, names, arrays in (("input", inputs, ins), ("output", outputs, outs)):
            for i, ((n, _), a) in enumerate(zip(names, arrays)):
                with open(os.path.join(data, f"{kind}_{i}.pb"), "wb") as f:
                    f.write(numpy_helper.from_array(a, n).SerializeToString())
