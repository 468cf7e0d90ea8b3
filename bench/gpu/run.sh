#!/bin/sh
# The GPU checks and benchmarks, for a machine with an NVIDIA GPU (see
# bench/RESULTS.md for recorded figures). Builds nothing: run it from a
# checkout built with tools/dev.sh build.
#
#   bench/gpu/run.sh [BUILD_DIR] [--emulate]
#
# 1. Correctness: the GPU tests of the suite (every form's kernel against
#    the CPU reference on the forms' seeded differential cases, on the GPU
#    itself: test/codegen/gpu/exec/device.test, and a C program linked
#    against an object compiled for the GPU).
# 2. Attention: flash attention on the GPU, B=4 H=16 S=4096, D=64 and 128,
#    causal and not, f32: time and TFLOP/s (4 B H S^2 D flops, half of them
#    causal).
# 3. Softmax: 4096 rows of 1024, 4096 and 32768 f32, online and two-pass
#    kernels against the reference's three passes (plain loops on the
#    GPU): time and GB/s (one read and one write of the tensor).
# 4. Cut cross-entropy: N=8192, D=2048, V=131072 f32, mean: the cut kernel
#    against attic.linear_cross_entropy's reference lowering (the N x V
#    logits materialized): time and the device memory the runs held at most.
# 5. Linear attention: B=4 H=16 S=4096 D=64 f32: causal linearized
#    attention (elu_plus_one) through the chunked kernel, and the gated
#    delta rule as its recurrence's loops (plainly mapped) and in chunks of
#    64: time.
#
# --emulate runs everything small under the CUDA emulator (a check of the
# script itself where there is no GPU; its times mean nothing).
set -eu
cd "$(dirname "$0")/../.."
. bench/lib.sh
build=build emulate=0
for arg in "$@"; do
  case $arg in
    --emulate) emulate=1 ;;
    *) build=$arg ;;
  esac
done
bench_init gpu "$build"
target=cuda
[ $emulate -eq 1 ] && target=cuda-emulator
runs=5
[ $emulate -eq 1 ] && runs=1

if [ $emulate -eq 0 ]; then
  echo "== correctness (lit, GPU tests)"
  # Stop here when a test fails: no figure counts for wrong kernels.
  /usr/lib/llvm-22/bin/lit "$build/test" --filter='gpu|cuda' > "$bench_out/.lit" 2>&1 ||
    { cat "$bench_out/.lit" >&2; echo "gpu: the GPU tests failed" >&2; exit 1; }
  grep -E '^(PASS|UNSUPPORTED)|Passed|Unsupported' "$bench_out/.lit" || true
  rm -f "$bench_out/.lit"
fi

# gpu_run FILE PIPELINE: attic-run on the target (compared with the CPU
# reference once, then timed); sets $ms and $device_mib. The comparison is a
# sanity check at benchmark sizes (rtol 1e-4), where sums over S = 4096 or
# V = 131072 terms in another order differ by more than the tests' 1e-5;
# the tests above are the correctness check.
gpu_run() {
  file=$1 pipeline=$2
  if [ -n "$pipeline" ]; then
    "$build/bin/attic-opt" "$file" --pass-pipeline="builtin.module($pipeline)"
  else
    cat "$file"
  fi > "$kernel.in.mlir"
  "$build/bin/attic-run" "$kernel.in.mlir" --target=$target --time=$runs \
    --rtol=1e-4 --atol=1e-5 > "$bench_out/.run" 2>&1 ||
    { cat "$bench_out/.run" >&2; echo "gpu: attic-run failed" >&2; exit 1; }
  ms=$(sed -n 's/^time: min [0-9.]* ms, median \([0-9.]*\) ms.*/\1/p' "$bench_out/.run")
  device_mib=$(sed -n 's/.*device peak \([0-9.]*\) MiB.*/\1/p' "$bench_out/.run")
  [ -n "$device_mib" ] || device_mib=-
  [ -n "$ms" ] || { cat "$bench_out/.run" >&2; echo "gpu: no timing" >&2; exit 1; }
  grep -q MISMATCH "$bench_out/.run" && { cat "$bench_out/.run" >&2; echo "gpu: results differ from the CPU reference" >&2; exit 1; }
  rm -f "$kernel.in.mlir"
}

echo "== flash attention"
printf '%-28s %10s %9s\n' case ms TFLOP/s
b=4 h=16 s=4096
[ $emulate -eq 1 ] && b=1 h=2 s=128
for d in 64 128; do
  for causal in "" causal; do
    t="tensor<${b}x${h}x${s}x${d}xf32>"
    cat > "$kernel" <<MLIR
func.func @attention(%q: $t, %k: $t, %v: $t) -> $t {
  %o = attic.attention %q, %k, %v {$causal} : $t, $t, $t -> $t
  return %o : $t
}
MLIR
    gpu_run "$kernel" "attic-flash-attention{block-q=64 block-kv=64}"
    flops=$(awk "BEGIN { f = 4 * $b * $h * $s * $s * $d; if (\"$causal\" != \"\") f /= 2; print f }")
    printf '%-28s %10s %9.2f\n' "D=$d ${causal:-full}" "$ms" "$(awk "BEGIN { print $flops / ($ms * 1e9) }")"
  done
done

echo "== softmax"
printf '%-14s %10s %10s %10s %8s %8s %8s\n' rows_x_cols reference online two_pass ref_GB/s onl_GB/s two_GB/s
rows=4096
[ $emulate -eq 1 ] && rows=8
for cols in 1024 4096 32768; do
  softmax_kernel "$kernel" "tensor<${rows}x${cols}xf32>"
  gpu_run "$kernel" ""; ref=$ms
  gpu_run "$kernel" "attic-softmax-forms{algorithm=online}"; onl=$ms
  gpu_run "$kernel" "attic-softmax-forms{algorithm=two-pass}"; two=$ms
  gb=$(awk "BEGIN { print 2 * 4 * $rows * $cols / 1e9 }")
  printf '%-14s %10s %10s %10s %8.1f %8.1f %8.1f\n' "${rows}x${cols}" "$ref" "$onl" "$two" \
    "$(awk "BEGIN { print $gb / ($ref / 1e3) }")" "$(awk "BEGIN { print $gb / ($onl / 1e3) }")" \
    "$(awk "BEGIN { print $gb / ($two / 1e3) }")"
done

echo "== cut cross-entropy"
n=8192 d=2048 v=131072
[ $emulate -eq 1 ] && n=64 d=32 v=256
cat > "$kernel" <<MLIR
func.func @loss(%h: tensor<${n}x${d}xf32>, %w: tensor<${v}x${d}xf32>, %y: tensor<${n}xi64>) -> tensor<f32> {
  %l = attic.linear_cross_entropy %h, %w, %y : tensor<${n}x${d}xf32>, tensor<${v}x${d}xf32>, tensor<${n}xi64> -> tensor<f32>
  return %l : tensor<f32>
}
MLIR
printf '%-14s %10s %16s\n' variant ms device_peak_MiB
gpu_run "$kernel" ""
printf '%-14s %10s %16s\n' materialized "$ms" "$device_mib"
gpu_run "$kernel" "attic-cut-cross-entropy"
printf '%-14s %10s %16s\n' cut "$ms" "$device_mib"

echo "== linear attention"
b=4 h=16 s=4096 d=64
[ $emulate -eq 1 ] && b=1 h=2 s=128 d=16
t="tensor<${b}x${h}x${s}x${d}xf32>" st="tensor<${b}x${h}x${d}x${d}xf32>"
g="tensor<${b}x${h}x${s}xf32>"
printf '%-30s %10s\n' variant ms
cat > "$kernel" <<MLIR
func.func @attention(%q: $t, %k: $t, %v: $t) -> $t {
  %o = attic.attention %q, %k, %v {causal, kernel = #attic.kernel<elu_plus_one>} : $t, $t, $t -> $t
  return %o : $t
}
MLIR
gpu_run "$kernel" "attic-linear-attention{chunk-size=64}"
printf '%-30s %10s\n' "causal linearized, chunks 64" "$ms"
# The gated delta rule with its inputs in the ranges models use: keys
# scaled by 1/sqrt(D), log decay in [-0.5, 0), beta in [0, 1).
cat > "$kernel" <<MLIR
func.func @gated_delta(%q: $t, %k0: $t, %v: $t, %g0: $g, %b0: $g) -> ($t, $st) {
  %ks = arith.constant dense<$(awk "BEGIN { print 1 / sqrt($d) }")> : $t
  %k = arith.mulf %k0, %ks : $t
  %one = arith.constant dense<1.0> : $g
  %quarter = arith.constant dense<0.25> : $g
  %half = arith.constant dense<0.5> : $g
  %g1 = arith.subf %g0, %one : $g
  %g = arith.mulf %g1, %quarter : $g
  %b1 = arith.addf %b0, %one : $g
  %beta = arith.mulf %b1, %half : $g
  %o, %s = attic.linear_attention %q, %k, %v decay(%g : $g) beta(%beta : $g) {update_rule = #attic.update_rule<gated_delta>} : $t, $t, $t -> $t, $st
  return %o, %s : $t, $st
}
MLIR
gpu_run "$kernel" ""
printf '%-30s %10s\n' "gated delta, recurrent loops" "$ms"
gpu_run "$kernel" "attic-linear-attention{chunk-size=64 min-chunked-length=1}"
printf '%-30s %10s\n' "gated delta, chunks of 64" "$ms"
