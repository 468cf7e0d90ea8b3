#!/usr/bin/env bash
#===- tools/dev.sh - Set up, build, run and test Attic --------------------===#
#
#   tools/dev.sh example   install what is missing, build, run attic-opt on
#                          the bundled example and print the result
#   tools/dev.sh test      install what is missing, build, run every test
#   tools/dev.sh build     install what is missing and build
#
# The build goes to build/ (or $ATTIC_BUILD_DIR). Packages come from Debian's
# apt repositories; a package that cannot be installed stops the script with
# its name.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${ATTIC_BUILD_DIR:-$ROOT/build}
LLVM_BIN=/usr/lib/llvm-22/bin

PACKAGES=(
  cmake ninja-build ccache clang-22
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

build() {
  install_missing
  if [ ! -f "$BUILD/build.ninja" ]; then
    cmake -G Ninja -S "$ROOT" -B "$BUILD" \
      -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22
  fi
  cmake --build "$BUILD"
}

case "${1:-}" in
  build)
    build ;;
  example)
    build
    echo "== examples/softmax.mlir after canonicalization and the reference lowering"
    "$BUILD/bin/attic-opt" "$ROOT/examples/softmax.mlir" \
      --canonicalize --attic-lower-to-linalg --canonicalize ;;
  test)
    build
    "$LLVM_BIN/lit" -sv "$BUILD/test" ;;
  *)
    echo "usage: $0 example|test|build" >&2
    exit 2 ;;
esac
