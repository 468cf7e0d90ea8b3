#!/bin/sh
# The softmax forms against the reference lowering (three passes: maximum,
# sum, output) on the CPU: softmax over 4096 rows of 1024, 4096 and 32768
# f32 (the last is 512 MiB in and 512 MiB out, far out of cache). The three
# variants of a size run back to back. Prints a table, writes
# bench/out/softmax-forms.{csv,png} and, last, the speedups at 32768.
# Usage: bench/cpu/softmax-forms.sh [BUILD_DIR] [RUNS]
set -eu
cd "$(dirname "$0")/../.."
# Every call returns a fresh 512 MiB result. glibc serves blocks that large
# with mmap and returns them with munmap, so each call would also pay the
# kernel for zeroing 131072 new pages -- as long as the softmax itself, and
# the same for every variant. A program that calls the kernel repeatedly
# (or a caching allocator) reuses that memory; so do these runs.
export GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967295
. bench/lib.sh
bench_init softmax-forms "${1:-build}"
runs=${2:-5}

echo "cols,reference_ms,online_ms,two_pass_ms" > "$csv"
printf '%8s %14s %14s %14s %9s %9s\n' cols reference_ms online_ms two_pass_ms online_x two_pass_x
for cols in 1024 4096 32768; do
  softmax_kernel "$kernel" "tensor<4096x${cols}xf32>"
  bench_run "$kernel" "" "$runs"; ref=$ms
  bench_run "$kernel" "attic-softmax-forms{algorithm=online}" "$runs"; online=$ms
  bench_run "$kernel" "attic-softmax-forms{algorithm=two-pass}" "$runs"; two=$ms
  online_x=$(awk "BEGIN { printf \"%.2f\", $ref / $online }")
  two_x=$(awk "BEGIN { printf \"%.2f\", $ref / $two }")
  echo "$cols,$ref,$online,$two" >> "$csv"
  printf '%8s %14s %14s %14s %9s %9s\n' "$cols" "$ref" "$online" "$two" "$online_x" "$two_x"
done
bench_plot "softmax, 4096 rows, f32 (median of $runs runs)" "row length" "ms" "xy" 2 3 4
echo "softmax-forms: reference_ms=$ref online_ms=$online two_pass_ms=$two online_speedup=$online_x two_pass_speedup=$two_x"
