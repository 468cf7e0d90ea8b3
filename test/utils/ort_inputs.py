#!/usr/bin/python3
"""Writes the inputs of one data set of an ONNX test directory (the
first, test_data_set_0, unless named) for
ort_compare.js: OUT/manifest.json (name, element type, dims and file of
each graph input) and the raw little-endian data of each as OUT/<i>.bin.

Usage: ort_inputs.py TEST_DIR OUT [DATA_SET]
"""

import json
import os
import sys

import onnx
from onnx import numpy_helper

TYPES = {"float32": "float32", "float64": "float64", "int64": "int64",
         "int32": "int32", "bool": "bool"}


def main():
    test_dir, out = sys.argv[1:3]
    data_set = sys.argv[3] if len(sys.argv) > 3 else "test_data_set_0"
    os.makedirs(out, exist_ok=True)
    model = onnx.load(os.path.join(test_dir, "model.onnx"))
    initialized = {t.name for t in model.graph.initializer}
    names = [i.name for i in model.graph.input if i.name not in initialized]
    inputs = []
    for i, name in enumerate(names):
        tensor = onnx.TensorProto()
        with open(os.path.join(test_dir, data_set, f"input_{i}.pb"), "rb") as f:
            tensor.ParseFromString(f.read())
        array = numpy_helper.to_array(tensor)
        array.astype(array.dtype.newbyteorder("<")).tofile(os.path.join(out, f"{i}.bin"))
        inputs.append({"name": name, "type": TYPES[str(array.dtype)],
                       "dims": list(array.shape), "file": f"{i}.bin"})
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump({"inputs": inputs}, f, indent=1)


if __name__ == "__main__":
    main()
