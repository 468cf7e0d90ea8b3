#!/bin/sh
# attic.flash_attention against the reference lowering of attic.attention
# (which builds the S x S score matrix) on the CPU: causal attention, B=1,
# H=8, D=64, f32, S = 512 ... 8192: median time and the memory the runs
# add to the process's peak (the reference's score matrix alone is
# 8 S^2 x 4 B: 2 GiB at S = 8192). Prints a table, writes
# bench/out/flash-attention.{csv,png} and, last, the figures at S = 8192
# and the growth exponents of memory in S (fitted from the two largest S).
# Usage: bench/cpu/flash-attention.sh [BUILD_DIR] [RUNS]
set -eu
cd "$(dirname "$0")/../.."
. bench/lib.sh
bench_init flash-attention "${1:-build}"
runs=${2:-2}

echo "S,reference_ms,flash_ms,reference_mib,flash_mib" > "$csv"
printf '%6s %14s %12s %15s %11s %8s\n' S reference_ms flash_ms reference_mib flash_mib speedup
for s in 512 1024 2048 4096 8192; do
  t="tensor<1x8x${s}x64xf32>"
  cat > "$kernel" <<MLIR
func.func @causal(%q: $t, %k: $t, %v: $t) -> $t {
  %o = attic.attention %q, %k, %v {causal} : $t, $t, $t -> $t
  return %o : $t
}
MLIR
  bench_run "$kernel" "" "$runs"; ref=$ms; ref_mib=$added_mib
  bench_run "$kernel" "attic-flash-attention" "$runs"; flash=$ms; flash_mib=$added_mib
  speedup=$(awk "BEGIN { printf \"%.2f\", $ref / $flash }")
  echo "$s,$ref,$flash,$ref_mib,$flash_mib" >> "$csv"
  printf '%6s %14s %12s %15s %11s %8s\n' "$s" "$ref" "$flash" "$ref_mib" "$flash_mib" "$speedup"
done
bench_plot "causal attention, B=1 H=8 D=64 f32: memory added by the run" "S" "MiB" "xy" 4 5
# Growth exponents of the added memory between S = 4096 and S = 8192.
exponents=$(awk -F, 'NR > 1 { s[NR] = $1; r[NR] = $4; f[NR] = $5; n = NR }
  END { printf "reference_mem_exponent=%.2f flash_mem_exponent=%.2f",
        log(r[n] / r[n-1]) / log(s[n] / s[n-1]), log(f[n] / f[n-1]) / log(s[n] / s[n-1]) }' "$csv")
echo "flash-attention: S=8192 reference_ms=$ref flash_ms=$flash speedup=$speedup reference_mib=$ref_mib flash_mib=$flash_mib $exponents"
