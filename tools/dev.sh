#!/usr/bin/env bash
#===- tools/dev.sh - Set up, build, run and test Attic --------------------===#
#
#   tools/dev.sh example   install what is missing, build, optimize the
#                          bundled transformer block with attic-onnx and
#                          print the report
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

say() { echo "attic: $*" >&2; }

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

install_missing() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do is_installed "$p" || missing+=("$p"); done
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
  install_missing
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
    echo "== attic-onnx optimize examples/transformer_block/model.onnx"
    "$BUILD/bin/attic-onnx" optimize "$ROOT/examples/transformer_block/model.onnx" \
      -o "$BUILD/transformer_block.optimized.onnx" \
      --report="$BUILD/transformer_block.report.json"
    echo "== wrote $BUILD/transformer_block.optimized.onnx and the report as JSON" ;;
  test)
    build
    "$LLVM_BIN/lit" -sv "$BUILD/test" ;;
  *)
    echo "usage: $0 example|test|build" >&2
    exit 2 ;;
esac
