#!/usr/bin/env python3
"""Copies ONNX backend node tests with their model converted to another
opset (onnx.version_converter), for operators whose tests were written at
an opset older than Attic imports.

Usage: convert_tests.py OPSET OUTDIR NODE_DATA_DIR PATTERN...
Each test directory matching a glob PATTERN under NODE_DATA_DIR is copied
to OUTDIR/<name> with its data sets, model.onnx converted to OPSET.
"""
import glob
import os
import shutil
import sys

import onnx
from onnx import version_converter


def main():
    opset, out, data = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    for pattern in sys.argv[4:]:
        for src in sorted(glob.glob(os.path.join(data, pattern))):
            if not os.path.isfile(os.path.join(src, "model.onnx")):
                continue
            dst = os.path.join(out, os.path.basename(src))
            shutil.copytree(src, dst, dirs_exist_ok=True)
            model = onnx.load(os.path.join(src, "model.onnx"))
            converted = version_converter.convert_version(model, opset)
            onnx.checker.check_model(converted)
            onnx.save(converted, os.path.join(dst, "model.onnx"))


if __name__ == "__main__":
    main()
