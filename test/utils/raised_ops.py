#!/usr/bin/python3
"""Imports ONNX backend node tests, raises them and prints what is left.

For every test under NODE_DATA whose name matches one of the glob patterns,
runs `attic-onnx import` and `attic-opt --attic-raise-onnx` and prints one
line: `<test>: <op> <op> ...`, the ops of the raised function in order,
leaving out what carries no computation (func.func, func.return,
onnx.None, onnx.Constant, tensor.cast, and onnx.Node "Identity"), or
`<test>: FAILED <message>`.

Usage: raised_ops.py ATTIC_ONNX ATTIC_OPT NODE_DATA PATTERN...
"""

import fnmatch
import os
import re
import subprocess
import sys

SKIP = {"func.func", "func.return", "onnx.None", "onnx.Constant", "tensor.cast"}


def ops_of(text):
    ops = []
    for line in text.splitlines():
        m = re.match(r'\s*(?:%[^=]+=\s*)?"?([a-z_]+\.[A-Za-z_]+)"?', line)
        if not m or m.group(1) in SKIP or m.group(1) == "builtin.module":
            continue
        if m.group(1) == "onnx.Node":
            kind = re.search(r'onnx\.Node "[^"]*" "([^"]*)"', line)
            if kind and kind.group(1) == "Identity":
                continue
            ops.append("onnx.Node:" + (kind.group(1) if kind else "?"))
        else:
            ops.append(m.group(1))
    return ops


def main():
    attic_onnx, attic_opt, data = sys.argv[1:4]
    patterns = sys.argv[4:]
    for test in sorted(os.listdir(data)):
        if not any(fnmatch.fnmatch(test, p) for p in patterns):
            continue
        model = os.path.join(data, test, "model.onnx")
        imported = subprocess.run([attic_onnx, "import", model], capture_output=True, text=True)
        raised = imported
        if imported.returncode == 0:
            raised = subprocess.run([attic_opt, "--attic-raise-onnx"], input=imported.stdout,
                                    capture_output=True, text=True)
        if raised.returncode != 0:
            print(f"{test}: FAILED {raised.stderr.strip().splitlines()[0]}")
            continue
        print(f"{test}: {' '.join(ops_of(raised.stdout))}")


if __name__ == "__main__":
    main()
