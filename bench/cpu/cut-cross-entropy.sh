#!/bin/sh
# attic.cut_cross_entropy against the reference lowering of
# attic.linear_cross_entropy (which materializes the N x V logits) on the
# CPU: time and peak memory for N=1024 tokens, D=256, V=32768 classes, f32
# (the logits alone are 128 MiB). The variants run back to back, twice.
# Usage: bench/cpu/cut-cross-entropy.sh [BUILD_DIR] [RUNS]
set -eu
build=${1:-build}
runs=${2:-3}
kernel=$(mktemp --suffix=.mlir)
trap 'rm -f "$kernel"' EXIT
cat > "$kernel" <<'MLIR'
func.func @loss(%h: tensor<1024x256xf32>, %w: tensor<32768x256xf32>, %y: tensor<1024xi64>) -> tensor<f32> {
  %l = attic.linear_cross_entropy %h, %w, %y {ignore_index = -100 : i64} : tensor<1024x256xf32>, tensor<32768x256xf32>, tensor<1024xi64> -> tensor<f32>
  return %l : tensor<f32>
}
MLIR

for round in 1 2; do
  for form in reference cut; do
    printf '%-9s round %s: ' "$form" "$round"
    if [ "$form" = reference ]; then
      cat "$kernel"
    else
      "$build/bin/attic-opt" "$kernel" --attic-cut-cross-entropy
    fi | "$build/bin/attic-run" - -i random -i random -i random:0:32768 \
           --time="$runs" | sed -n 's/^time: //p'
  done
done
