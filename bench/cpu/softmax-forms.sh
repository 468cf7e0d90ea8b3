#!/bin/sh
# The softmax forms against the reference lowering on the CPU: softmax over
# rows of 16384 f32 (64 MiB, out of cache), vectorized and scalar. The three
# variants of a configuration run back to back, twice, alternating.
# Usage: bench/cpu/softmax-forms.sh [BUILD_DIR] [RUNS]
set -eu
build=${1:-build}
runs=${2:-5}
kernel=$(mktemp --suffix=.mlir)
trap 'rm -f "$kernel"' EXIT
cat > "$kernel" <<'MLIR'
func.func @softmax(%x: tensor<1024x16384xf32>) -> tensor<1024x16384xf32> {
  %y = attic.softmax %x, axis = 1 : tensor<1024x16384xf32>
  return %y : tensor<1024x16384xf32>
}
MLIR

for vectorize in true false; do
  for round in 1 2; do
    for form in reference online two-pass; do
      printf '%-9s vectorize=%-5s round %s: ' "$form" "$vectorize" "$round"
      if [ "$form" = reference ]; then
        cat "$kernel"
      else
        "$build/bin/attic-opt" "$kernel" --attic-softmax-forms=algorithm=$form
      fi | "$build/bin/attic-run" - --time="$runs" --vectorize=$vectorize |
        sed -n 's/^time: //p'
    done
  done
done
