#!/usr/bin/env bash
# Runs `attic-onnx run` on every ONNX backend node test whose name matches
# one of the given glob patterns: prints "<test>: PASS" or "<test>: FAIL
# <first line that is not ok>" for each, then "passed <ok> of <all>".
# Usage: run_models.sh ATTIC_ONNX NODE_DATA_DIR PATTERN...
set -u
tool=$1 data=$2
shift 2
ok=0 all=0
for pattern in "$@"; do
  for dir in "$data"/$pattern/; do
    [ -f "$dir/model.onnx" ] || continue
    all=$((all + 1))
    name=$(basename "$dir")
    if output=$("$tool" run "$dir" 2>&1); then
      ok=$((ok + 1))
      echo "$name: PASS"
    else
      echo "$name: FAIL $(echo "$output" | grep -v ': ok$' | head -1)"
    fi
  done
done
echo "passed $ok of $all"
