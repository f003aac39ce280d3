#!/usr/bin/env bash
# tests/install/man_test.sh RUNBOOK MAN_DIR — the man pages and the synopsis (ctest install.man).
#   1. `runbook --help` prints the synopsis of docs/cli.md, command for command (the man pages
#      are generated from docs/cli.md, the shell completions read the binary's: so the three
#      agree);
#   2. every page of MAN_DIR (built by scripts/gen_man.py) renders with `man -l` without a
#      groff warning, and the .gz beside it renders the same;
#   3. each command's page names every option of its synopsis, and runbook(1) every command.
# Ends with `N passed, N failed`.
set -uo pipefail
runbook=$1
mandir=$2
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; shift; for l in "$@"; do echo "     $l"; done; }

docs=$(python3 "$repo/scripts/gen_man.py" --docs "$repo/docs" --synopsis)
# the usage, one command a line: continuation lines joined to their command, spacing normalised
help=$("$runbook" --help | awk '
  /^usage:/ { next }
  /^  runbook / { if (cur != "") print cur; cur = $0; next }
  /^    / && cur != "" { cur = cur " " $0; next }
  { if (cur != "") print cur; cur = "" }
  END { if (cur != "") print cur }' | sed 's/^ *//; s/  */ /g')
if [[ $help == "$docs" ]]; then
  ok "1. runbook --help prints the synopsis of docs/cli.md ($(wc -l <<<"$docs") commands)"
else
  fail "1. runbook --help prints the synopsis of docs/cli.md" "$(diff <(echo "$docs") <(echo "$help") | sed 's/^</docs/; s/^>/help/')"
fi

shopt -s nullglob
pages=("$mandir"/*.1)
errs=()
for page in "${pages[@]}"; do
  warn=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
  [[ -z $warn ]] || errs+=("$(basename "$page"): $warn")
  if ! cmp -s <(MANWIDTH=80 man -l "$page" 2>/dev/null) <(MANWIDTH=80 man -l "$page.gz" 2>/dev/null); then
    errs+=("$(basename "$page").gz does not render as $(basename "$page")")
  fi
done
# runbook(1) and one page per command of the synopsis but help and version
npages=$(($(grep -cvE '^runbook (help|version)' <<<"$docs") + 1))
((${#pages[@]} == npages)) || errs+=("${#pages[@]} pages in $mandir, expected $npages")
if ((${#errs[@]})); then fail "2. the pages render without warnings" "${errs[@]}"; else ok "2. the ${#pages[@]} pages render with man -l without warnings"; fi

errs=()
while read -r _ cmd rest; do
  [[ $cmd == help || $cmd == version ]] && continue
  page=$mandir/runbook-$cmd.1
  if [[ ! -f $page ]]; then errs+=("no page for $cmd"); continue; fi
  text=$(MANWIDTH=200 man -l "$page" 2>/dev/null)
  for opt in $(grep -oE '(^|[^a-z-])--?[a-z][a-z-]*' <<<"$rest" | sed 's/^[^-]*//' | sort -u); do
    grep -qF -- "$opt" <<<"$text" || errs+=("runbook-$cmd(1) does not name $opt")
  done
  grep -qF -- "runbook-$cmd" <<<"$(MANWIDTH=200 man -l "$mandir/runbook.1" 2>/dev/null)" || errs+=("runbook(1) does not name runbook-$cmd")
done <<<"$docs"
if ((${#errs[@]})); then fail "3. each page names its command's options" "${errs[@]}"; else ok "3. each page names its command's options; runbook(1) names every page"; fi

echo "$passed passed, $failed failed"
((failed == 0))
