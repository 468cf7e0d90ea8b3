# bench/lib.sh - what the benchmark scripts share (sourced, POSIX sh).
#
#   bench_init NAME [BUILD_DIR]   results go to $ATTIC_BENCH_OUT (default
#                                 bench/out)/NAME.{csv,png}; $kernel names
#                                 a scratch .mlir file removed on exit;
#                                 gnuplot-nox is installed when missing
#   bench_run FILE PIPELINE RUNS ARGS...
#                                 compiles FILE after PIPELINE ("" for the
#                                 reference lowering), runs it with attic-run
#                                 ARGS and --time=RUNS, and sets $ms (median),
#                                 $min_ms, $peak_mib and $added_mib (what the
#                                 runs added to the peak resident memory)
#   bench_plot TITLE XLABEL YLABEL LOGSCALE COLUMNS...
#                                 draws NAME.png from NAME.csv: x is the
#                                 first column, one line per COLUMN (a CSV
#                                 column number); LOGSCALE is "x", "xy" or ""

bench_init() {
  bench_name=$1
  build=${2:-build}
  bench_out=${ATTIC_BENCH_OUT:-bench/out}
  mkdir -p "$bench_out"
  csv="$bench_out/$bench_name.csv"
  png="$bench_out/$bench_name.png"
  kernel=$(mktemp --suffix=.mlir)
  trap 'rm -f "$kernel"' EXIT
  if [ ! -x "$build/bin/attic-run" ]; then
    echo "$bench_name: no $build/bin/attic-run; build Attic first (tools/dev.sh build)" >&2
    exit 1
  fi
  if ! command -v gnuplot >/dev/null 2>&1; then
    echo "$bench_name: installing gnuplot-nox for the plot" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get install -y -q --no-install-recommends gnuplot-nox >/dev/null ||
      { echo "$bench_name: could not install gnuplot-nox; no plot" >&2; }
  fi
}

# Writes to $1 a function @softmax of a $2 (a tensor type) along axis 1.
softmax_kernel() {
  cat > "$1" <<MLIR
func.func @softmax(%x: $2) -> $2 {
  %y = attic.softmax %x, axis = 1 : $2
  return %y : $2
}
MLIR
}

bench_run() {
  file=$1 pipeline=$2 runs=$3
  shift 3
  if [ -n "$pipeline" ]; then
    "$build/bin/attic-opt" "$file" --pass-pipeline="builtin.module($pipeline)"
  else
    cat "$file"
  fi | "$build/bin/attic-run" - "$@" --time="$runs" > "$bench_out/.run" ||
    { cat "$bench_out/.run" >&2; echo "$bench_name: attic-run failed" >&2; exit 1; }
  # time: min A ms, median B ms over N runs; peak RSS C MiB (D MiB before
  # the first run)
  set -- $(sed -n 's/^time: min \([0-9.]*\) ms, median \([0-9.]*\) ms .* peak RSS \([0-9.]*\) MiB (\([0-9.]*\) MiB before.*/\1 \2 \3 \4/p' "$bench_out/.run")
  [ $# -eq 4 ] || { echo "$bench_name: no timing from attic-run" >&2; exit 1; }
  min_ms=$1 ms=$2 peak_mib=$3
  added_mib=$(awk "BEGIN { printf \"%.1f\", $3 - $4 }")
  rm -f "$bench_out/.run"
}

bench_plot() {
  title=$1 xlabel=$2 ylabel=$3 logscale=$4
  shift 4
  command -v gnuplot >/dev/null 2>&1 || return 0
  plots=""
  for column in "$@"; do
    [ -z "$plots" ] || plots="$plots, "
    plots="$plots'$csv' using 1:$column with linespoints title columnheader($column)"
  done
  gnuplot <<GNUPLOT
set datafile separator ","
set terminal png size 900,560
set output "$png"
set title "$title"
set xlabel "$xlabel"
set ylabel "$ylabel"
set key top left
set grid
${logscale:+set logscale $logscale}
plot $plots
GNUPLOT
  echo "plot: $png"
}
