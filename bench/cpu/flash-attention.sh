#!/bin/sh
# attic.flash_attention against the reference lowering of attic.attention on
# the CPU: time and peak memory of causal and non-causal attention
# (B=1, H=8, S=2048, D=64, f32; the reference's score matrix alone is
# 8 x 2048 x 2048 x 4 B = 128 MiB). The variants run back to back, twice.
# Usage: bench/cpu/flash-attention.sh [BUILD_DIR] [RUNS]
set -eu
build=${1:-build}
runs=${2:-3}
kernel=$(mktemp --suffix=.mlir)
trap 'rm -f "$kernel"' EXIT
cat > "$kernel" <<'MLIR'
func.func @causal(%q: tensor<1x8x2048x64xf32>, %k: tensor<1x8x2048x64xf32>, %v: tensor<1x8x2048x64xf32>) -> tensor<1x8x2048x64xf32> {
  %o = attic.attention %q, %k, %v {causal} : tensor<1x8x2048x64xf32>, tensor<1x8x2048x64xf32>, tensor<1x8x2048x64xf32> -> tensor<1x8x2048x64xf32>
  return %o : tensor<1x8x2048x64xf32>
}
func.func @full(%q: tensor<1x8x2048x64xf32>, %k: tensor<1x8x2048x64xf32>, %v: tensor<1x8x2048x64xf32>) -> tensor<1x8x2048x64xf32> {
  %o = attic.attention %q, %k, %v : tensor<1x8x2048x64xf32>, tensor<1x8x2048x64xf32>, tensor<1x8x2048x64xf32> -> tensor<1x8x2048x64xf32>
  return %o : tensor<1x8x2048x64xf32>
}
MLIR

for function in causal full; do
  for round in 1 2; do
    for form in reference flash; do
      printf '%-7s %-9s round %s: ' "$function" "$form" "$round"
      if [ "$form" = reference ]; then
        cat "$kernel"
      else
        "$build/bin/attic-opt" "$kernel" --attic-flash-attention
      fi | "$build/bin/attic-run" - --function=$function --time="$runs" |
        sed -n 's/^time: //p'
    done
  done
done
