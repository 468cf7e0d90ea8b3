#!/bin/sh
# Time against sequence length S on the CPU, B=1, H=8, D=Dv=64, f32:
# causal softmax attention as attic.flash_attention, feature-map attention
# (elu_plus_one) as attic.linearized_attention, causal and not, and gated
# DeltaNet (attic.linear_attention, gated_delta, per-head decay and beta) in
# its chunk-parallel form and as the token-by-token recurrence (the
# reference lowering), and SOFT: gaussian attention as
# attic.nystrom_attention (64 landmarks, 20 Newton-Raphson steps, an
# approximation). Chunks of 64 (linearized) and 16 (gated_delta, the
# fastest chunk on this CPU). Median ms of RUNS runs after a warm-up.
# Prints a table, writes bench/out/linear-attention.{csv,png} and, last, the
# growth exponents of the linear forms' time in S (least squares on
# log time against log S over every measured S) and the crossover: the
# smallest S where causal linearized attention beats causal flash.
# Flash grows as S^2 (about 50 s at 16384 and 200 s at 32768 here);
# FLASH_MAX_S bounds the S it is timed at (default 32768; larger S print
# "-").
# Usage: bench/cpu/linear-attention.sh [BUILD_DIR] [RUNS]
set -eu
cd "$(dirname "$0")/../.."
. bench/lib.sh
bench_init linear-attention "${1:-build}"
runs=${2:-1}
flash_max=${FLASH_MAX_S:-32768}

echo "S,flash_ms,linear_causal_ms,linear_ms,gated_delta_chunk_ms,gated_delta_recurrent_ms,soft_ms" > "$csv"
printf '%6s %10s %17s %10s %21s %25s %8s\n' S flash_ms linear_causal_ms linear_ms \
  gated_delta_chunk_ms gated_delta_recurrent_ms soft_ms
for s in 1024 2048 4096 8192 16384 32768; do
  t="tensor<1x8x${s}x64xf32>" g="tensor<1x8x${s}xf32>" st="tensor<1x8x64x64xf32>"
  cat > "$kernel" <<MLIR
func.func @flash(%q: $t, %k: $t, %v: $t) -> $t {
  %o = attic.attention %q, %k, %v {causal} : $t, $t, $t -> $t
  return %o : $t
}
func.func @linear_causal(%q: $t, %k: $t, %v: $t) -> $t {
  %o = attic.attention %q, %k, %v {causal, kernel = #attic.kernel<elu_plus_one>} : $t, $t, $t -> $t
  return %o : $t
}
func.func @linear(%q: $t, %k: $t, %v: $t) -> $t {
  %o = attic.attention %q, %k, %v {kernel = #attic.kernel<elu_plus_one>} : $t, $t, $t -> $t
  return %o : $t
}
func.func @gated_delta(%q: $t, %k0: $t, %v: $t, %x: $g) -> ($t, $st) {
  // Keys of norm at most 1, beta in [0, 1), log decay in (-0.05, 0].
  %c = arith.constant dense<0.125> : $t
  %k = arith.mulf %k0, %c : $t
  %half = arith.constant dense<0.5> : $g
  %x1 = arith.addf %x, %half : $g
  %b = arith.mulf %x1, %half : $g
  %m = arith.constant dense<-0.05> : $g
  %gd = arith.mulf %b, %m : $g
  %o, %s = attic.linear_attention %q, %k, %v decay(%gd : $g) beta(%b : $g) {update_rule = #attic.update_rule<gated_delta>} : $t, $t, $t -> $t, $st
  return %o, %s : $t, $st
}
func.func @soft(%q: $t, %k: $t, %v: $t) -> $t {
  %o = attic.attention %q, %k, %v {kernel = #attic.kernel<gaussian>} : $t, $t, $t -> $t
  return %o : $t
}
MLIR
  flash=-
  if [ "$s" -le "$flash_max" ]; then
    bench_run "$kernel" "attic-flash-attention" "$runs" --function=flash; flash=$ms
  fi
  bench_run "$kernel" "attic-linear-attention" "$runs" --function=linear_causal; causal=$ms
  bench_run "$kernel" "attic-linear-attention" "$runs" --function=linear; noncausal=$ms
  bench_run "$kernel" "attic-linear-attention{chunk-size=16}" "$runs" --function=gated_delta; chunk=$ms
  bench_run "$kernel" "" "$runs" --function=gated_delta; recurrent=$ms
  bench_run "$kernel" "attic-soft-attention{landmarks=64 iterations=20}" "$runs" --function=soft; soft=$ms
  echo "$s,$flash,$causal,$noncausal,$chunk,$recurrent,$soft" >> "$csv"
  printf '%6s %10s %17s %10s %21s %25s %8s\n' "$s" "$flash" "$causal" "$noncausal" \
    "$chunk" "$recurrent" "$soft"
done
bench_plot "attention forms, B=1 H=8 D=64 f32, CPU" "S" "ms" "xy" 2 3 4 5 6 7
# Exponents: least-squares slope of log(ms) against log(S); crossover: the
# first S where linearized causal is faster than flash.
summary=$(awk -F, '
  function slope(col,   i, n, sx, sy, sxx, sxy, x, y) {
    n = 0; sx = sy = sxx = sxy = 0
    for (i = 2; i <= rows; ++i) {
      if (v[i, col] == "-") continue
      x = log(v[i, 1]); y = log(v[i, col]); ++n
      sx += x; sy += y; sxx += x * x; sxy += x * y
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx)
  }
  NR > 1 { rows = NR; for (c = 1; c <= NF; ++c) v[NR, c] = $c }
  END {
    cross = "none"
    for (i = 2; i <= rows; ++i)
      if (v[i, 2] != "-" && v[i, 3] + 0 < v[i, 2] + 0) { cross = v[i, 1]; break }
    printf "linear_causal_exponent=%.2f linear_exponent=%.2f gated_delta_chunk_exponent=%.2f gated_delta_recurrent_exponent=%.2f soft_exponent=%.2f",
      slope(3), slope(4), slope(5), slope(6), slope(7)
    if (v[2, 2] != "-") printf " flash_exponent=%.2f", slope(2)
    printf " crossover_S=%s", cross
  }' "$csv")
echo "linear-attention: $summary"
