#!/bin/sh
# Cut cross-entropy against the reference lowering (which materializes the
# N x V logits and, backward, their gradient) on the CPU, forward and
# backward: N=4096 tokens, D=1024, V=65536 classes, f32 (the logits alone
# are 1 GiB). Reports the median time and the memory the loss computation
# adds to the process's peak: what a run adds, less what a run of a
# function that only returns zero results of the same types adds (attic-run
# holds results beyond the run: copied out of the compiled function's
# buffers, and those of the untimed first run; the backward's results are
# 272 MiB). One row per loss kind (cross-entropy, generalized
# cross-entropy with q = 0.7, mean absolute error, sum-exponential, and
# the spherical Z-loss with a = 0.1, b = 20, an op of its own) and pass. Prints a table, writes bench/out/cut-cross-entropy.{csv,png} and,
# last, the ratios.
# Usage: [KINDS="kind ..."] bench/cpu/cut-cross-entropy.sh [BUILD_DIR] [RUNS] [N D V]
set -eu
cd "$(dirname "$0")/../.."
. bench/lib.sh
bench_init cut-cross-entropy "${1:-build}"
runs=${2:-1}
n=${3:-4096} d=${4:-1024} v=${5:-65536}
h="tensor<${n}x${d}xf32>" w="tensor<${v}x${d}xf32>" y="tensor<${n}xi64>"
# The loss kinds measured, with their attributes.
kinds=${KINDS:-"cross_entropy generalized_cross_entropy mean_absolute_error sum_exponential spherical_z_loss"}
kind_attrs() {
  case $1 in
    cross_entropy) echo "ignore_index = -100 : i64" ;;
    generalized_cross_entropy) echo "ignore_index = -100 : i64, kind = #attic.loss_kind<$1>, q = 0.7" ;;
    spherical_z_loss) echo "ignore_index = -100 : i64, a = 0.1, b = 20.0" ;;
    *) echo "ignore_index = -100 : i64, kind = #attic.loss_kind<$1>" ;;
  esac
}
{
  for kind in $kinds; do
    attrs=$(kind_attrs $kind)
    # The op, and the gradient's lse operand (the spherical Z-loss has none).
    op=attic.linear_cross_entropy lse="lse(%lse : tensor<${n}xf32>)"
    if [ $kind = spherical_z_loss ]; then op=attic.linear_spherical_z_loss lse=""; fi
    cat <<MLIR
func.func @forward_$kind(%h: $h, %w: $w, %y: $y) -> tensor<f32> {
  %l = $op %h, %w, %y {$attrs} : $h, $w, $y -> tensor<f32>
  return %l : tensor<f32>
}
func.func @backward_$kind(%h: $h, %w: $w, %y: $y, %lse: tensor<${n}xf32>) -> ($h, $w) {
  %g = arith.constant dense<1.0> : tensor<f32>
  %dh, %dw = ${op}_grad %h, %w, %y, %g $lse {$attrs} : $h, $w, $y, tensor<f32> -> $h, $w
  return %dh, %dw : $h, $w
}
MLIR
  done
  cat <<MLIR
func.func @forward_baseline(%h: $h, %w: $w, %y: $y) -> tensor<f32> {
  %z = arith.constant dense<0.0> : tensor<f32>
  return %z : tensor<f32>
}
func.func @backward_baseline(%h: $h, %w: $w, %y: $y, %lse: tensor<${n}xf32>) -> ($h, $w) {
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : $h
  %dh = linalg.fill ins(%zero : f32) outs(%e0 : $h) -> $h
  %e1 = tensor.empty() : $w
  %dw = linalg.fill ins(%zero : f32) outs(%e1 : $w) -> $w
  return %dh, %dw : $h, $w
}
MLIR
} > "$kernel"
# Inputs: hidden and classifier scaled to give logits of a few units,
# labels in [0, V), lse near log V (its value changes no amount of work).
inputs="-i random:-0.5:0.5 -i random:-0.5:0.5 -i random:0:$v"

echo "kind,pass,reference_ms,cut_ms,reference_mib,cut_mib" > "$csv"
row='%-27s %-9s %13s %9s %14s %8s %7s %9s\n'
printf "$row" kind pass reference_ms cut_ms reference_mib cut_mib speedup mem_ratio
for pass in forward backward; do
  extra=""
  if [ $pass = backward ]; then extra="-i random:11:11.1"; fi
  bench_run "$kernel" "" "$runs" --function=${pass}_baseline $inputs $extra
  results=$added_mib
  for kind in $kinds; do
    bench_run "$kernel" "" "$runs" --function=${pass}_$kind $inputs $extra
    ref=$ms; ref_mib=$(awk "BEGIN { printf \"%.1f\", $added_mib - $results }")
    bench_run "$kernel" "attic-cut-cross-entropy" "$runs" --function=${pass}_$kind $inputs $extra
    cut=$ms; cut_mib=$(awk "BEGIN { m = $added_mib - $results; printf \"%.1f\", m < 1 ? 1 : m }")
    speedup=$(awk "BEGIN { printf \"%.2f\", $ref / $cut }")
    ratio=$(awk "BEGIN { printf \"%.0f\", $ref_mib / $cut_mib }")
    echo "$kind,$pass,$ref,$cut,$ref_mib,$cut_mib" >> "$csv"
    printf "$row" $kind $pass "$ref" "$cut" "$ref_mib" "$cut_mib" "$speedup" "$ratio"
    time_ratio=$(awk "BEGIN { printf \"%.2f\", $cut / $ref }")
    summary="${summary:-} ${kind}_${pass}_time_ratio=$time_ratio ${kind}_${pass}_mem_ratio=$ratio"
  done
done
if command -v gnuplot >/dev/null 2>&1; then
  gnuplot <<GNUPLOT
set datafile separator ","
set terminal png size 900,560 noenhanced
set output "$png"
set title "linear cross-entropy N=$n D=$d V=$v f32: memory of the loss computation"
set style data histograms
set xtics rotate by -30
set style fill solid
set logscale y
set ylabel "MiB"
plot '$csv' every ::1 using 5:xtic(stringcolumn(1)." ".stringcolumn(2)) title "reference", '' every ::1 using 6 title "cut"
GNUPLOT
  echo "plot: $png"
fi
echo "cut-cross-entropy:$summary"
