#!/usr/bin/env bash
# tests/golden_runner_selftest/fake_runbook.sh — a stand-in for the runbook binary, used only to
# test tests/golden_runner.py. Called as `fake_runbook.sh MODE [ARGS...] FILE`, it prints one
# header line describing how it was called, echoes its stdin, then replays the canned output
# written in FILE as `#> out: TEXT` (stdout), `#> err: TEXT` (stderr), `#> sleep: SECONDS` and
# `#> exit: N` (default 0). `{file}` in TEXT becomes the FILE operand as passed.
set -euo pipefail
mode=$1
shift
file=${*: -1}
args=("${@:1:$#-1}")
echo "fake: mode=$mode args=[${args[*]}] file=$file dir=$(basename "$PWD") NO_COLOR=${NO_COLOR:-unset} FAKE_VAR=${FAKE_VAR:-unset} RBK_HTTP_URL=${RBK_HTTP_URL:-unset}"
if [[ ! -t 0 ]]; then
  while IFS= read -r line; do
    echo "stdin: $line"
  done
fi
code=0
while IFS= read -r line; do
  case "$line" in
    '#> out: '*) text=${line#'#> out: '}; echo "${text//\{file\}/$file}" ;;
    '#> err: '*) text=${line#'#> err: '}; echo "${text//\{file\}/$file}" >&2 ;;
    '#> sleep: '*) sleep "${line#'#> sleep: '}" ;;
    '#> exit: '*) code=${line#'#> exit: '} ;;
  esac
done <"$file"
exit "$code"
