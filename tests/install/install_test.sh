#!/usr/bin/env bash
# tests/install/install_test.sh BUILD_DIR SERVICES_ENV — `cmake --install` into a fresh prefix,
# the prefix moved somewhere else, then the installed tree used on its own (ctest
# install.prefix). Checks, each an `ok`/`FAIL` line:
#   1. the files are where docs/install.md says;
#   2. the installed binary, moved with its prefix, runs HTTP and SQL goldens: the plugins are
#      found relative to the executable, not in the build tree (RUNBOOK_PLUGIN_DIR unset);
#      and with the installed plugins taken away the same run fails to load them (so it was
#      not the build tree's they used);
#   3. `runbook --version` names the project's version and the source's commit;
#      scripts/version.cmake outside a git checkout says "unknown", and a given commit wins;
#   4. `man -M PREFIX/share/man runbook-run` finds and renders the installed page.
# Ends with `N passed, N failed`.
set -uo pipefail
build=$(cd "$1" && pwd)
services_env=$2
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; shift; for l in "$@"; do echo "     $l"; done; }

unset RUNBOOK_PLUGIN_DIR
if ! cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1; then
  fail "cmake --install" "$(tail -20 "$tmp/install.log")"
  echo "$passed passed, $failed failed"
  exit 1
fi
mv "$tmp/prefix" "$tmp/moved"
p=$tmp/moved

# 1. the files
libdir=$(cd "$p" && ls -d lib*/runbook lib/*/runbook 2>/dev/null | head -1)
missing=()
for f in bin/runbook "$libdir/runbook-http.so" "$libdir/runbook-sql.so" "$libdir/runbook-state.so" \
  share/man/man1/runbook.1.gz share/bash-completion/completions/runbook \
  share/vim/vimfiles/syntax/runbook.vim share/vim/vimfiles/ftdetect/runbook.vim \
  share/vim/vimfiles/ftplugin/runbook.vim share/nvim/site/syntax/runbook.vim \
  share/runbook/editors/vscode/package.json share/runbook/editors/vscode/syntaxes/runbook.tmLanguage.json \
  share/runbook/editors/vscode/extension.js share/runbook/editors/vscode/detect.js \
  share/doc/runbook/cli.md share/doc/runbook/editors.md share/doc/runbook/install.md; do
  [[ -f $p/$f ]] || missing+=("$f")
done
for c in check compile run resume runs show approve reject plan doc disasm import lsp; do
  [[ -f $p/share/man/man1/runbook-$c.1.gz ]] || missing+=("share/man/man1/runbook-$c.1.gz")
done
zsh_file=$(cd "$p" && ls share/zsh/*/_runbook 2>/dev/null | head -1)
[[ -n $zsh_file ]] || missing+=("share/zsh/*/_runbook")
if [[ -d $p/share/runbook/editors/vscode/node_modules ]]; then missing+=("(node_modules must not be installed)"); fi
if ((${#missing[@]})); then fail "1. the installed files" "${missing[@]/#/missing: }"; else ok "1. the installed files ($libdir, $zsh_file)"; fi

# 2. the moved tree runs HTTP and SQL runbooks with its own plugins
goldens=("$repo/tests/golden/http/healthz.rb" "$repo/tests/golden/http/post_json_echo.rb"
  "$repo/tests/golden/sql/binds.rb" "$repo/tests/golden/sql/types.rb")
out=$(python3 "$repo/tests/golden_runner.py" --runbook "$p/bin/runbook" --services-env "$services_env" "${goldens[@]}" 2>&1)
rc=$?
last=$(tail -1 <<<"$out")
if ((rc != 0)) || [[ $last != "4 passed, 0 failed, 0 skipped" ]]; then
  fail "2a. the moved installed binary runs HTTP and SQL goldens" "$last" "$(tail -30 <<<"$out")"
else
  ok "2a. the moved installed binary runs HTTP and SQL goldens ($last)"
fi
# the PostgreSQL run store's plugin loads from the moved tree: a store that cannot be reached is
# refused as such (port 1: nothing listens), not as a plugin that cannot be loaded
msg=$("$p/bin/runbook" runs --state "postgresql://127.0.0.1:1/none?connect_timeout=5" 2>&1)
rc=$?
if ((rc != 64)) || ! grep -q "cannot connect to the run store" <<<"$msg"; then
  fail "2c. the moved installed binary loads its run store plugin" "exit $rc" "$msg"
else
  ok "2c. the moved installed binary loads its run store plugin"
fi
mkdir "$tmp/away"
mv "$p/$libdir"/*.so "$tmp/away/"
cat >"$tmp/h.rb" <<'RB'
env RBK_HTTP_URL
step "get" {
  expect http.get("{env.RBK_HTTP_URL}/healthz").status == 200
}
RB
msg=$(cd "$tmp" && env $(grep '^RBK_HTTP_URL=' "$services_env") "$p/bin/runbook" run h.rb 2>&1)
rc=$?
mv "$tmp/away"/*.so "$p/$libdir/"
if ((rc == 0)) || ! grep -q "cannot load the http builtins" <<<"$msg"; then
  fail "2b. without its plugins the installed binary says it cannot load them" "exit $rc" "$msg"
else
  ok "2b. without its plugins the installed binary says it cannot load them"
fi

# 3. --version
version=$(sed -n 's/^project(runbook VERSION \([0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")
got=$("$p/bin/runbook" --version)
want_commit=unknown
if command -v git >/dev/null && git -C "$repo" rev-parse HEAD >/dev/null 2>&1; then
  want_commit=$(git -C "$repo" rev-parse --short=12 HEAD)
fi
if [[ $got != "runbook $version (commit $want_commit"* ]]; then
  fail "3a. runbook --version names the version and the commit" "got: $got" "want: runbook $version (commit $want_commit..."
else
  ok "3a. runbook --version: $got"
fi
mkdir "$tmp/nogit"
cmake -DOUT="$tmp/v1.h" -DSRC="$tmp/nogit" -DVERSION=9.8.7 -P "$repo/scripts/version.cmake"
cmake -DOUT="$tmp/v2.h" -DSRC="$repo" -DVERSION=9.8.7 -DCOMMIT=abc123 -P "$repo/scripts/version.cmake"
if grep -q '#define RBK_COMMIT "unknown"' "$tmp/v1.h" && grep -q '#define RBK_VERSION "9.8.7"' "$tmp/v1.h" &&
  grep -q '#define RBK_COMMIT "abc123"' "$tmp/v2.h"; then
  ok "3b. outside a git checkout the commit is unknown; a given commit (-DRBK_COMMIT) wins"
else
  fail "3b. outside a git checkout the commit is unknown; a given commit (-DRBK_COMMIT) wins" "$(cat "$tmp/v1.h" "$tmp/v2.h")"
fi

# 4. man finds the installed pages by name
page=$(MANWIDTH=80 man -M "$p/share/man" runbook-run 2>&1)
if grep -q -- '--fail-at STEP' <<<"$page" && grep -q 'RUNBOOK-RUN(1)' <<<"$page"; then
  ok "4. man -M PREFIX/share/man runbook-run renders the installed page"
else
  fail "4. man -M PREFIX/share/man runbook-run renders the installed page" "$(head -20 <<<"$page")"
fi

echo "$passed passed, $failed failed"
((failed == 0))
