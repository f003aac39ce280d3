#!/usr/bin/env bash
# scripts/build.sh [debug|release|asan] — configures and builds runbook into build/<mode>.
# Owns: the mapping from a mode name to CMake options. Warnings are errors in every mode.
#   debug    CMAKE_BUILD_TYPE=Debug
#   release  CMAKE_BUILD_TYPE=Release (the default)
#   asan     CMAKE_BUILD_TYPE=Debug with RBK_SANITIZE=ON (AddressSanitizer + UBSan)
# RBK_BUILD_ROOT overrides the parent directory (default: build/ in the repository).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode=${1:-release}
case "$mode" in
  debug)   opts=(-DCMAKE_BUILD_TYPE=Debug) ;;
  release) opts=(-DCMAKE_BUILD_TYPE=Release) ;;
  asan)    opts=(-DCMAKE_BUILD_TYPE=Debug -DRBK_SANITIZE=ON) ;;
  *) echo "usage: $0 [debug|release|asan]" >&2; exit 64 ;;
esac

root=${RBK_BUILD_ROOT:-build}
dir="$root/$mode"
jobs=$(nproc 2>/dev/null || echo 2)
((jobs > 2)) || jobs=2

echo "build: $mode in $dir"
cmake -S . -B "$dir" -DRBK_WERROR=ON "${opts[@]}"
cmake --build "$dir" -j"$jobs"
