#!/usr/bin/env bash
# scripts/demo.sh — the README's first command: installs what is missing, builds build/release,
# starts the local services (PostgreSQL and the HTTP fixture on 127.0.0.1, stopped again on exit)
# and, when a demo runbook runs commands on servers (`# requires: fleet`: `hosts` and `on:`), the
# loopback sshd fleet (scripts/sshd_fleet.sh, also stopped on exit), and runs the demo runbooks
# with the services' and the fleet's environment exported (${RBK_SSH_CONFIG} in their `# args:`).
# Owns: the list of demo runbooks (DEMO below: "path [expected exit code]"). A runbook's
# `# args:`, `# env:`, `# file:` and `# exit:` golden annotations are honoured (with ${NAME}
# expanded from the services' environment), so the demo runs each file exactly the way its
# golden test does. The run's exit status is non-zero only if some runbook's exit code differs
# from the expected one (a NO-GO that was expected, such as a rehearsed rollback, is a success),
# or if `runbook import` of a reference runbook (../shared/reference-runbooks) does not check.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD

DEMO=(
  "examples/orders_cutover.rb 0"                  # the docs/language.md §1 cutover: GO
  "examples/orders_cutover_fail.rb 1"             # the same, over its error budget: rolled back
  "examples/orders_cutover_dry_run.rb 0"          # ... its dry run: verified and unverified checks
  "examples/v2_intake_deploy.rb 0"                # reference runbook: V2 Intake deployment
  "examples/v2_intake_deploy_rollback.rb 1"       # ... its rollback rehearsed with --fail-at
  "examples/v2_intake_deploy_dry_run.rb 0"        # ... its dry run
  "examples/cutover_staging_to_prod.rb 0"         # reference runbook: staging -> production
  "examples/cutover_staging_to_prod_rollback.rb 1"  # ... its rollback rehearsed with --fail-at
  "examples/cutover_staging_to_prod_dry_run.rb 0"   # ... its dry run
)

bash scripts/setup.sh
bash scripts/build.sh release
runbook=$repo/build/release/runbook
[[ -x "$runbook" ]] || { echo "demo: $runbook was not built" >&2; exit 1; }

services=$repo/build/demo-services
fleet=$repo/build/demo-fleet
fleet_started=0
cleanup() {
  bash "$repo/scripts/services.sh" stop "$services" || true
  if ((fleet_started)); then bash "$repo/scripts/sshd_fleet.sh" stop "$fleet" || true; fi
}
trap cleanup EXIT
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

# the app servers of the runbooks that need them: 4 hosts of a loopback sshd fleet (their
# inventories, examples/inventory/, name its hosts; --ssh-config ${RBK_SSH_CONFIG} reaches them)
for entry in "${DEMO[@]}"; do
  if grep -qE '^[[:space:]]*#[[:space:]]*requires:.*\bfleet\b' "${entry%% *}"; then
    fleet_started=1
    bash scripts/sshd_fleet.sh start "$fleet" 4
    set -a
    # shellcheck disable=SC1091
    . "$fleet/fleet.env"
    set +a
    break
  fi
done

# Prints the golden annotations of FILE that say how to run it, ${NAME} expanded from the
# environment: "file\tPATH", "env\tNAME=value" and "arg\tARG" lines (args shlex-split).
golden_spec() {
  python3 - "$1" <<'PY'
import os, re, shlex, sys
var = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
expand = lambda t: var.sub(lambda m: os.environ.get(m.group(1), m.group(0)), t)
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"^\s*#\s*(args|env|file):\s?(.*?)\s*$", line)
    if not m:
        continue
    kind, value = m.groups()
    if kind == "args":
        for a in shlex.split(value):
            print("arg\t" + expand(a))
    else:
        print(kind + "\t" + expand(value))
PY
}

# Every run leaves its evidence: a Markdown report (the go/no-go sheet), a JUnit XML report
# and a journal, under build/demo-evidence/.
evidence=$repo/build/demo-evidence
rm -rf "$evidence"
mkdir -p "$evidence"
results=()
unexpected=0
for entry in "${DEMO[@]}"; do
  read -r file want <<<"$entry"
  if [[ -z "${want:-}" ]]; then
    want=$(sed -nE 's/^[[:space:]]*#[[:space:]]*exit:[[:space:]]*([0-9]+).*/\1/p' "$file" | tail -n1)
    want=${want:-0}
  fi
  args=()
  envs=()
  target=$(basename "$file")
  while IFS=$'\t' read -r kind value; do
    case "$kind" in
      arg) args+=("$value") ;;
      env) envs+=("$value") ;;
      file) target=$value ;;
    esac
  done < <(golden_spec "$file")
  echo
  shown=""
  ((${#args[@]} == 0)) || shown=$(printf '%q ' "${args[@]}")
  echo "==> $file: runbook run $shown$target (expect exit $want)"
  set +e
  name=$(basename "$file" .rb)
  (cd "$(dirname "$file")" && env ${envs[@]+"${envs[@]}"} NO_COLOR=1 "$runbook" run ${args[@]+"${args[@]}"} "$target" \
     --report "$evidence/$name.md" --report "$evidence/$name.xml" --journal "$evidence/$name.journal.jsonl")
  code=$?
  set -e
  echo "<== $file: exit $code (expected $want)"
  if [[ "$code" == "$want" ]]; then
    results+=("ok   $file: exit $code — report build/demo-evidence/$name.md")
  else
    results+=("FAIL $file: exit $code, expected $want")
    unexpected=1
  fi
done

# runbook import (docs/import.md): a reference runbook, as the team wrote it in Markdown, to a
# runbook skeleton; its check result and its TODO count (what the author finishes by hand).
ref=$repo/../shared/reference-runbooks/000_f212cb4acee02bf0.txt
if [[ -f "$ref" ]]; then
  echo
  echo "==> runbook import ../shared/reference-runbooks/$(basename "$ref") -o build/demo-evidence/v2_intake_import.rb"
  set +e
  "$runbook" import "$ref" -o "$evidence/v2_intake_import.rb" 2>"$evidence/v2_intake_import.txt"
  icode=$?
  sed -n '2,8p' "$evidence/v2_intake_import.txt"
  echo "==> runbook check build/demo-evidence/v2_intake_import.rb"
  (cd "$evidence" && NO_COLOR=1 "$runbook" check v2_intake_import.rb 2>&1 | tail -n1)
  (cd "$evidence" && NO_COLOR=1 "$runbook" check v2_intake_import.rb >/dev/null 2>&1)
  ccode=$?
  set -e
  todos=$(sed -nE 's/^  TODO ([0-9]+)$/\1/p' "$evidence/v2_intake_import.txt")
  if [[ "$icode" == 0 && "$ccode" == 0 ]]; then
    results+=("ok   import $(basename "$ref"): runbook check exit 0 (warnings allowed), ${todos:-?} TODOs left — build/demo-evidence/v2_intake_import.rb")
  else
    results+=("FAIL import $(basename "$ref"): import exit $icode, check exit $ccode")
    unexpected=1
  fi
else
  echo
  echo "demo: $ref is not there (shared/ beside the repository): the import demo is skipped"
fi

echo
echo "==> the evidence of the first run (build/demo-evidence/$(basename "${DEMO[0]%% *}" .rb).md), its head:"
sed -n '1,25p' "$evidence/$(basename "${DEMO[0]%% *}" .rb).md" || true
echo
echo "==> demo summary"
printf '  %s\n' "${results[@]}"
exit "$unexpected"
