#!/usr/bin/env bash
# scripts/demo.sh — the README's first command: installs what is missing, builds build/release,
# starts the local services (PostgreSQL and the HTTP fixture on 127.0.0.1, stopped again on exit)
# and runs the demo runbooks with the services' environment exported.
# Owns: the list of demo runbooks (DEMO below: "path [expected exit code]"). While it is empty,
# every examples/*.rb without a `# requires:` line is run. A runbook's `# args:` and `# exit:`
# golden annotations are honoured, so the demo runs each file the way its golden test does.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD

DEMO=(
  # "examples/demo/cutover.rb 0"
)

bash scripts/setup.sh
bash scripts/build.sh release
runbook=$repo/build/release/runbook
[[ -x "$runbook" ]] || { echo "demo: $runbook was not built" >&2; exit 1; }

services=$repo/build/demo-services
trap 'bash "$repo/scripts/services.sh" stop "$services" || true' EXIT
RBK_FIXTURE_HTTPD=${RBK_FIXTURE_HTTPD:-$repo/build/release/tests/fixtures/rbk-fixture-httpd}
[[ -x "$RBK_FIXTURE_HTTPD" ]] || RBK_FIXTURE_HTTPD=
export RBK_FIXTURE_HTTPD
bash scripts/services.sh start "$services"
set -a
# shellcheck disable=SC1091
. "$services/services.env"
set +a

if ((${#DEMO[@]} == 0)); then
  for f in examples/*.rb; do
    [[ -e "$f" ]] || continue
    grep -qE '^[[:space:]]*#[[:space:]]*requires:' "$f" && continue
    DEMO+=("$f")
  done
fi
((${#DEMO[@]} > 0)) || { echo "demo: no runbooks to run yet (examples/ is empty)"; exit 0; }

# Prints the shlex-split `# args:` of FILE, one per line.
golden_args() {
  python3 - "$1" <<'PY'
import re, shlex, sys
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"^\s*#\s*args:\s?(.*?)\s*$", line)
    if m:
        print("\n".join(shlex.split(m.group(1))))
PY
}

results=()
unexpected=0
for entry in "${DEMO[@]}"; do
  read -r file want <<<"$entry"
  if [[ -z "${want:-}" ]]; then
    want=$(sed -nE 's/^[[:space:]]*#[[:space:]]*exit:[[:space:]]*([0-9]+).*/\1/p' "$file" | tail -n1)
    want=${want:-0}
  fi
  mapfile -t args < <(golden_args "$file")
  echo
  shown=""
  ((${#args[@]} == 0)) || shown=$(printf '%q ' "${args[@]}")
  echo "==> runbook run $shown$file"
  set +e
  (cd "$(dirname "$file")" && "$runbook" run "${args[@]}" "$(basename "$file")")
  code=$?
  set -e
  if [[ "$code" == "$want" ]]; then
    results+=("ok   $file: exit $code")
  else
    results+=("FAIL $file: exit $code, expected $want")
    unexpected=1
  fi
done

echo
echo "==> demo summary"
printf '  %s\n' "${results[@]}"
exit "$unexpected"
