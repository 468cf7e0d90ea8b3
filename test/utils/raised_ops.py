#!/usr/bin/python3
"""Imports ONNX backend node tests, raises them and prints what is left.

For every test under NODE_DATA whose name matches one of the glob patterns,
runs `attic-onnx import` and `attic-opt --attic-raise-onnx` and prints one
line: `<test>: <op> <op> ...`, the ops of the raised function in order,
leaving out what carries no computation (func.func, func.return,
onnx.None, onnx.Constant, tensor.cast, and onnx.Node "Identity"), or
`<test>: FAILED <message>`. With --run ATTIC_RUN, also runs the raised
module on the test's data sets and prints `<test>: run ok` when every
result matches its expected output, `<test>: run FAILED <line>` otherwise.

Usage: raised_ops.py [--run ATTIC_RUN] ATTIC_ONNX ATTIC_OPT NODE_DATA PATTERN...
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


def run_data_sets(attic_run, test_dir, module):
    """The first line of attic-run's report that is not ok, or None."""
    for entry in sorted(os.listdir(test_dir)):
        if not entry.startswith("test_data_set_"):
            continue
        result = subprocess.run([attic_run, "-", "--data-set=" + os.path.join(test_dir, entry)],
                                input=module, capture_output=True, text=True)
        lines = (result.stdout + result.stderr).strip().splitlines()
        bad = [line for line in lines if not line.endswith(": ok")]
        if result.returncode != 0 or bad or not lines:
            return (bad or lines or ["no output"])[0]
    return None


def main():
    args = sys.argv[1:]
    attic_run = None
    if args[:1] == ["--run"]:
        attic_run, args = args[1], args[2:]
    attic_onnx, attic_opt, data = args[:3]
    patterns = args[3:]
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
        if attic_run:
            problem = run_data_sets(attic_run, os.path.join(data, test), raised.stdout)
            print(f"{test}: run " + ("ok" if problem is None else "FAILED " + problem))


if __name__ == "__main__":
    main()
