#!/usr/bin/env bash
# tests/editor/run_textmate.sh ROOT RUNBOOK — installs the two npm packages of
# tests/editor/package-lock.json (vscode-textmate, vscode-oniguruma) with `npm ci` into
# tests/editor/node_modules when they are missing or the lock file changed, then runs
# textmate_test.js (ctest editor.textmate). node_modules is never committed (.gitignore).
set -euo pipefail
root=$1
runbook=$2
dir=$root/tests/editor
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "FAIL $tool is not installed (scripts/setup.sh installs it)"; echo "0 passed, 1 failed"; exit 1; }
done
stamp=$dir/node_modules/.runbook-lock
if [[ ! -f $stamp ]] || ! cmp -s "$stamp" "$dir/package-lock.json"; then
  # one install at a time (ctest may run the release and the asan tree's tests side by side)
  exec 9>"$dir/.npm-install.lock"
  flock 9
  if [[ ! -f $stamp ]] || ! cmp -s "$stamp" "$dir/package-lock.json"; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$stamp"
  fi
  flock -u 9
fi
exec node "$dir/textmate_test.js" --root "$root" --runbook "$runbook"
