#!/usr/bin/env bash
# Imports every ONNX backend node test whose name starts with one of the
# given prefixes (test_<prefix>...): prints "FAIL <test>: <error>" for each
# that does not import, then "imported <ok> of <all>".
# Usage: import_models.sh ATTIC_ONNX NODE_DATA_DIR PREFIX...
set -u
tool=$1 data=$2
shift 2
ok=0 all=0
for prefix in "$@"; do
  for dir in "$data"/test_"$prefix"*/; do
    [ -f "$dir/model.onnx" ] || continue
    all=$((all + 1))
    if message=$("$tool" import "$dir/model.onnx" -o /dev/null 2>&1); then
      ok=$((ok + 1))
    else
      echo "FAIL $(basename "$dir"): $message"
    fi
  done
done
echo "imported $ok of $all"
