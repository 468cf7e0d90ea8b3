#!/bin/sh
# The CPU pipeline with and without tiling and vectorization, on the kernels
# of kernels.mlir: both variants of a kernel run back to back, alternating,
# so that load on a shared machine affects them alike.
# Usage: bench/cpu/run.sh [BUILD_DIR] [RUNS]
set -eu
here=$(dirname "$0")
build=${1:-build}
runs=${2:-10}
run="$build/bin/attic-run $here/kernels.mlir --time=$runs"

bench() {
  name=$1; shift
  for round in 1 2; do
    for vectorize in true false; do
      printf '%-14s vectorize=%-5s round %s: ' "$name" "$vectorize" "$round"
      $run --function="$name" --vectorize=$vectorize "$@" | sed -n 's/^time: //p'
    done
  done
}

bench softmax -i random
bench attention -i random -i random -i random
bench cross_entropy -i random -i random:0:8192
