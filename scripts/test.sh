#!/usr/bin/env bash
# scripts/test.sh — the whole suite, as CI runs it (.ci/run): installs what is missing, builds
# build/release and runs ctest, then builds build/asan (AddressSanitizer + UBSan) and runs ctest
# again. Both suites run even when the first has failures; exits non-zero if either fails.
# Owns: the sanitizer run-time options. Extra ctest arguments may be given, e.g. `-R golden`.
# LeakSanitizer suppressions for third-party libraries go in tests/lsan.supp (used if present).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh

summaries=()
failed=0

run_ctest() {
  local mode=$1 log rc
  shift
  log=build/$mode/ctest.log
  echo "==> ctest ($mode)"
  set +e
  ctest --test-dir "build/$mode" --output-on-failure -j2 "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  while IFS= read -r line; do
    summaries+=("$mode: ${line#"${line%%[![:space:]]*}"}")
  done < <(grep -E '^[0-9]+% tests passed|^No tests were found|^[[:space:]]+[0-9]+ - .*\([A-Za-z ]+\)$' "$log" || true)
  if ((rc != 0)); then
    failed=1
  fi
}

finish() {
  echo "==> summary"
  for s in "${summaries[@]}"; do
    echo "  $s"
  done
  if ((failed)); then
    echo "test.sh: FAILED"
    exit 1
  fi
  echo "test.sh: all passed (release and asan)"
  exit 0
}

build() {
  echo "==> build $1"
  if ! bash scripts/build.sh "$1"; then
    summaries+=("$1: BUILD FAILED")
    failed=1
    finish
  fi
}

build release
run_ctest release "$@"

build asan
export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
if [[ -f tests/lsan.supp ]]; then
  export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
fi
run_ctest asan "$@"
finish
