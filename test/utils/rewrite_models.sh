#!/usr/bin/env bash
# Rewrites every ONNX test directory under IN with attic-onnx into
# OUT/<name>/model.onnx, beside a copy of its data sets: `round-trip`
# imports and exports it with nothing between, `optimize` optimizes it.
# Prints "FAIL <name>: <error>" for a model that does not go through.
# Usage: rewrite_models.sh round-trip|optimize ATTIC_ONNX IN OUT
set -u
mode=$1 tool=$2 in=$3 out=$4
for dir in "$in"/*/; do
  name=$(basename "$dir")
  mkdir -p "$out/$name"
  cp -r "$dir"/test_data_set_* "$out/$name/"
  if [ "$mode" = round-trip ]; then
    message=$("$tool" import "$dir/model.onnx" -o "$out/$name.mlir" 2>&1 &&
              "$tool" export "$out/$name.mlir" -o "$out/$name/model.onnx" 2>&1)
  else
    message=$("$tool" optimize "$dir/model.onnx" -o "$out/$name/model.onnx" 2>&1 >/dev/null)
  fi || echo "FAIL $name: $message"
done
