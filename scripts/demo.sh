#!/usr/bin/env bash
# scripts/demo.sh — the README's first command: installs what is missing, builds build/release,
# starts the local services (PostgreSQL and the HTTP fixture on 127.0.0.1, stopped again on exit)
# and, when a demo runbook runs commands on servers (`# requires: fleet`: `hosts` and `on:`), the
# loopback sshd fleet (scripts/sshd_fleet.sh, also stopped on exit), and runs the demo runbooks
# with the services' and the fleet's environment exported (${RBK_SSH_CONFIG} in their `# args:`),
# then the team run (team_demo below: a run lock and an approval by a second database role, in
# the PostgreSQL store).
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

# A cutover that is the team's (docs/state.md, docs/approvals.md), with the PostgreSQL run store:
# alice (an operator role) runs examples/team_cutover.rb, which holds its run lock "orders-db" and
# waits in approve(); carol (another operator) starting the same cutover is refused by the lock;
# bob (an approver role) reads the run's evidence with `runbook show` and approves it with
# `runbook approve` from his own process; alice's run goes on to GO. Each role is a login of the
# database; the grants are those docs/state.md and docs/approvals.md give. Runs without errexit:
# each step's outcome is checked, and the summary says whether the flow went as it should.
team_demo() {
  local psql=${RBK_PG_BIN:-/usr/lib/postgresql/15/bin}/psql base owner alice bob carol out i id code line
  [[ -n "${RBK_PG_DEMO_URL:-}" && -x "$psql" ]] || { echo "demo: no PostgreSQL: the team run is skipped"; return 2; }
  base=${RBK_PG_DEMO_URL%/*}
  owner=$base/rbk_team
  alice=${owner/postgres@/alice@} bob=${owner/postgres@/bob@} carol=${owner/postgres@/carol@}
  out=$evidence/team_cutover.alice.txt
  say() { printf '%s\n' "$@"; }
  shown=0
  show_alice() { # the lines of alice's run not shown yet
    local n
    n=$(wc -l <"$out")
    ((n > shown)) && sed -n "$((shown + 1)),${n}p" "$out" | sed 's/^/    alice | /'
    shown=$n
  }
  echo
  say "==> team run (PostgreSQL store): the database rbk_team, its schema created by its owner, and three logins:" \
      "    alice and carol in runbook_operator, bob in runbook_approver, alice in runbook_approver too (she approves her" \
    "    colleagues' runs) — the grants of docs/state.md and docs/approvals.md"
  "$psql" -X -q -v ON_ERROR_STOP=1 "$base/postgres" -c "CREATE DATABASE rbk_team" >/dev/null || return 1
  "$runbook" runs --state "$owner" >/dev/null || return 1
  {
    echo "CREATE ROLE runbook_operator NOLOGIN; CREATE ROLE runbook_approver NOLOGIN;"
    echo "CREATE ROLE alice LOGIN IN ROLE runbook_operator, runbook_approver; CREATE ROLE carol LOGIN IN ROLE runbook_operator;"
    echo "CREATE ROLE bob LOGIN IN ROLE runbook_approver;"
    sed -n '/^-- the operator role/,/^```/p' docs/state.md | grep -v '^```'
    sed -n '/^-- the approver role/,/^```/p' docs/approvals.md | grep -v '^```'
  } | "$psql" -X -q -v ON_ERROR_STOP=1 "$owner" >/dev/null || return 1
  say "==> alice: runbook run examples/team_cutover.rb --state ${alice}   (in the background)"
  (cd examples && exec env NO_COLOR=1 "$runbook" run team_cutover.rb --state "$alice" \
     --report "$evidence/team_cutover.md" --report "$evidence/team_cutover.xml") >"$out" 2>&1 &
  local pid=$!
  stop_alice() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; show_alice; }
  id=""
  for ((i = 0; i < 600; i++)); do # until the run waits in approve() (a hang guard of 60 s, not an expectation)
    id=$("$runbook" runs --state "$owner" --format json |
         python3 -c 'import json, sys
for l in sys.stdin:
    r = json.loads(l)
    if r["status"] == "waiting for approval": print(r["id"]); break')
    [[ -n "$id" ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  show_alice
  if [[ -z "$id" ]]; then
    echo "demo: alice's run did not come to wait for approval"
    stop_alice
    return 1
  fi
  say "    (alice's run $id holds the run lock \"orders-db\" and waits for one approval)"
  echo
  say "==> carol, a second operator, starts the same cutover: runbook run examples/team_cutover.rb --state ${carol}"
  (cd examples && NO_COLOR=1 "$runbook" run team_cutover.rb --state "$carol") 2>&1 | sed 's/^/    carol | /'
  code=${PIPESTATUS[0]}
  say "    carol's run: exit $code (64: refused before step 1, nothing of it ran)"
  [[ "$code" == 64 ]] || { stop_alice; return 1; }
  echo
  say "==> alice tries to approve her own run: runbook approve $id --state ${alice}"
  "$runbook" approve "$id" --state "$alice" 2>&1 | sed 's/^/    alice | /'
  code=${PIPESTATUS[0]}
  say "    exit $code: the schema's trigger refuses it, though alice holds the approver role (an approval is another person's)"
  [[ "$code" == 64 ]] || { stop_alice; return 1; }
  echo
  say "==> bob, the approver, reads the run's evidence so far: runbook show $id --state ${bob}"
  "$runbook" show "$id" --state "$bob" 2>&1 | python3 -c 'import json, sys
for l in sys.stdin:
    l = l.rstrip("\n")
    try:
        r = json.loads(l)
    except ValueError:
        print("    bob   | " + l); continue
    what = {k: r[k] for k in ("host", "step_name", "status", "source", "text", "target") if k in r}
    print("    bob   | " + r["rec"].ljust(11) + " " + json.dumps(what, ensure_ascii=False))'
  echo
  say "==> bob approves, from his own process: runbook approve $id --state ${bob}"
  "$runbook" approve "$id" --state "$bob" 2>&1 | sed 's/^/    bob   | /'
  code=${PIPESTATUS[0]}
  [[ "$code" == 0 ]] || { stop_alice; return 1; }
  echo
  say "==> alice's run goes on:"
  wait "$pid"
  code=$?
  show_alice
  say "    alice's run: exit $code"
  line=$(grep -m1 -i 'approved by' "$evidence/team_cutover.md" || true)
  [[ -z "$line" ]] || say "    the report (build/demo-evidence/team_cutover.md) records it: $line"
  echo
  say "==> runbook runs --state ${owner}"
  "$runbook" runs --state "$owner" | sed 's/^/    /'
  [[ "$code" == 0 ]]
}
set +e
team_demo
tcode=$?
set -e
case $tcode in
  0) results+=("ok   team run (examples/team_cutover.rb, PostgreSQL store): carol refused by the lock, alice refused as her own approver, bob approved, GO") ;;
  2) results+=("skip team run: no PostgreSQL") ;;
  *) results+=("FAIL team run (examples/team_cutover.rb): see above"); unexpected=1 ;;
esac

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
