#!/usr/bin/env bash
# Runs each named ONNX test directory under IN in ONNX Runtime three ways
# (the original model, and attic-onnx's round trip and optimization of it)
# on its first data set's inputs, and compares the two rewritten models'
# outputs with the original's (ort_compare.js, within 1e-4): prints
# "<name> <round-trip|optimized>: <output>: ... ok" lines, FAIL lines for
# what does not go through, and "compared <n> models".
# With --microsoft, only the optimization, with attention written as ONNX
# Runtime's com.microsoft MultiHeadAttention ("optimized-ms").
# Usage: ort_models.sh ATTIC_ONNX NODE_MODULES IN WORK [--microsoft] NAME...
set -u
tool=$1 modules=$2 in=$3 work=$4
shift 4
kinds="round-trip optimized" flags=""
if [ "${1:-}" = --microsoft ]; then
  kinds="optimized-ms" flags="--attention-op=com.microsoft"
  shift
fi
utils=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
n=0
for name in "$@"; do
  dir=$in/$name
  mkdir -p "$work/$name"
  /usr/bin/python3 "$utils/ort_inputs.py" "$dir" "$work/$name/inputs" || { echo "FAIL $name: inputs"; continue; }
  if [ -z "$flags" ]; then
    "$tool" import "$dir/model.onnx" -o "$work/$name/model.mlir" &&
      "$tool" export "$work/$name/model.mlir" -o "$work/$name/round-trip.onnx" ||
      { echo "FAIL $name: round trip"; continue; }
  fi
  # shellcheck disable=SC2086
  "$tool" optimize "$dir/model.onnx" $flags -o "$work/$name/${kinds##* }.onnx" >/dev/null ||
    { echo "FAIL $name: optimize"; continue; }
  for kind in $kinds; do
    NODE_PATH=$modules node "$utils/ort_compare.js" "$work/$name/inputs/manifest.json" \
      "$dir/model.onnx" "$work/$name/$kind.onnx" | sed "s/^/$name $kind: /" ||
      echo "FAIL $name $kind"
  done
  n=$((n + 1))
done
echo "compared $n models"
