#!/usr/bin/env bash
#===- tools/dev.sh - Set up, build, run and test Attic --------------------===#
#
#   tools/dev.sh example   install what is missing, build, export a small
#                          GPT-style language model with PyTorch
#                          (examples/gpt), optimize it with attic-onnx
#                          (the report, and its memory estimate at batch
#                          8 x sequence 1024), then run the original and
#                          the optimized model in ONNX Runtime and with
#                          attic-onnx run, and print the times
#   tools/dev.sh test      install what is missing, build, run every test
#   tools/dev.sh build     install what is missing and build
#
# The build goes to build/ (or $ATTIC_BUILD_DIR). Packages come from Debian's
# apt repositories; a package that cannot be installed stops the script with
# its name. ONNX Runtime's CPU library comes from the npm registry
# (onnxruntime-node, into $BUILD/ort) for the tests that run exported
# models in it; where it cannot be installed, those tests are skipped.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${ATTIC_BUILD_DIR:-$ROOT/build}
LLVM_BIN=/usr/lib/llvm-22/bin

PACKAGES=(
  cmake ninja-build ccache clang-22 libclang-rt-22-dev libomp-22-dev
  libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools
  libonnx-dev libprotobuf-dev
  python3-numpy python3-onnx libonnx-testdata
)

# What only the example needs (PyTorch, to export the model).
EXAMPLE_PACKAGES=(python3-torch)
say() { echo "attic: $*" >&2; }

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

install_missing() {
  local missing=() p
  for p in "$@"; do is_installed "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0

  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { say "need root (or sudo) to install: ${missing[*]}"; exit 1; }
    sudo=(sudo)
  fi
  say "installing ${missing[*]}"
  "${sudo[@]}" apt-get update -q || say "apt-get update failed; trying the cached package lists"
  for p in "${missing[@]}"; do
    if ! apt-cache show "$p" >/dev/null 2>&1; then
      say "package '$p' is not available from the configured apt repositories; cannot continue"
      exit 1
    fi
  done
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q \
    --no-install-recommends "${missing[@]}" || true
  for p in "${missing[@]}"; do
    is_installed "$p" || { say "package '$p' could not be installed; cannot continue"; exit 1; }
  done
}

ORT_VERSION=1.30.0

# onnxruntime-node from npm into $BUILD/ort, once; its install script
# (which fetches GPU libraries) is not run: the package carries the CPU one.
install_onnxruntime() {
  [ -f "$BUILD/ort/node_modules/onnxruntime-node/package.json" ] && return 0
  if ! command -v npm >/dev/null; then
    say "npm is missing: the ONNX Runtime checks will be skipped"
    return 0
  fi
  mkdir -p "$BUILD/ort"
  if ! npm install --prefix "$BUILD/ort" --no-audit --no-fund --ignore-scripts \
      --loglevel=error "onnxruntime-node@$ORT_VERSION" >&2; then
    say "onnxruntime-node could not be installed from npm: the ONNX Runtime checks will be skipped"
  fi
}

build() {
  install_missing "${PACKAGES[@]}"
  if [ ! -f "$BUILD/build.ninja" ]; then
    cmake -G Ninja -S "$ROOT" -B "$BUILD" \
      -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22
  fi
  cmake --build "$BUILD"
  install_onnxruntime
}

case "${1:-}" in
  build)
    build ;;
  example)
    build
    install_missing "${EXAMPLE_PACKAGES[@]}"
    out="$BUILD/example-gpt"
    echo "== export examples/gpt (PyTorch, dynamic batch and sequence)"
    /usr/bin/python3 "$ROOT/examples/gpt/export.py" "$out" 2>&1 | grep -v -i warning
    echo "== attic-onnx optimize $out/model.onnx"
    "$BUILD/bin/attic-onnx" optimize "$out/model.onnx" -o "$out/optimized.onnx" \
      --report="$out/report.json"
    echo "== the same at batch 8 x sequence 1024 (what the fused forms never build)"
    "$BUILD/bin/attic-onnx" optimize "$out/model.onnx" -o "$out/optimized-8x1024.onnx" \
      --shape=input_ids=8x1024 | grep -E "never builds|memory saved"
    if [ -d "$BUILD/ort/node_modules/onnxruntime-node" ]; then
      echo "== ONNX Runtime: the original and the optimized model"
      NODE_PATH="$BUILD/ort/node_modules" node "$ROOT/examples/gpt/ort_time.js" \
        "$out/ort/manifest.json" 20 "$out/model.onnx" "$out/optimized.onnx"
    else
      say "ONNX Runtime is not installed: its runs are skipped"
    fi
    echo "== attic-onnx run (compiled for this CPU, checked against PyTorch's loss)"
    "$BUILD/bin/attic-onnx" run "$out" --time=20 --rtol=1e-4 --atol=1e-5
    echo "== attic-onnx run with the memory-saving forms (flash attention, cut cross-entropy)"
    "$BUILD/bin/attic-onnx" run "$out" --time=20 --rtol=1e-4 --atol=1e-5 \
      --passes=attic-flash-attention,attic-cut-cross-entropy
    echo "== wrote $out/optimized.onnx and the report as JSON ($out/report.json)" ;;
  test)
    build
    "$LLVM_BIN/lit" -sv "$BUILD/test" ;;
  *)
    echo "usage: $0 example|test|build" >&2
    exit 2 ;;
esac
