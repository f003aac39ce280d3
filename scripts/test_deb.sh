#!/usr/bin/env bash
# scripts/test_deb.sh [WORKDIR] — builds the Debian package (cpack -G DEB, prefix /usr) and
# installs it with apt on a clean Debian 12 made with debootstrap (--variant=minbase), then,
# inside that root: runbook --version, the man page, the completions, `runbook check` and
# `runbook run` of a small runbook whose HTTP and SQL calls load the plugins (a refused
# connection, not "cannot load", proves the plugins and the libraries their Depends brought).
# Needs root (debootstrap, chroot, mounts) and the Debian mirror the host's apt uses.
# WORKDIR defaults to build/deb-test; the chroot is made anew at every run. It takes minutes,
# so it is not part of ctest or .ci/run (docs/install.md).
# Owns: nothing outside WORKDIR; its mounts are undone on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
work=$(mkdir -p "${1:-build/deb-test}" && cd "${1:-build/deb-test}" && pwd)
root=$work/root
say() { echo "test_deb: $*"; }
die() { echo "test_deb: FAIL: $*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || die "run as root (debootstrap and chroot)"
if ! command -v debootstrap >/dev/null; then
  say "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >/dev/null
fi
# the mirror the host's apt uses for bookworm
mirror=$(sed -n 's/^URIs: *\([^ ]*\/debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
[[ -n $mirror ]] || mirror=$(awk '$1 == "deb" && $3 ~ /^bookworm$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
[[ -n $mirror ]] || die "no Debian mirror found in the host's apt sources"

start=$(date +%s)
say "building the package"
# the package needs the binary, the plugins and the man pages, not the tests: cpack's install
# step does not build `all` (CMAKE_SKIP_INSTALL_ALL_DEPENDENCY)
cmake -S . -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DRBK_WERROR=ON \
  -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON >/dev/null
cmake --build "$work/build" -j2 --target runbook runbook-http runbook-sql rbk_man >/dev/null
rm -rf "$work/build/packages"
(cd "$work/build" && cpack -G DEB >/dev/null)
deb=$(ls "$work"/build/packages/runbook_*.deb)
say "$(basename "$deb"): $(du -k "$deb" | cut -f1) KiB"
depends=$(dpkg-deb -f "$deb" Depends)
say "Depends: $depends"
for lib in libc6 libcurl4 libpq5 libjansson4 libpcre2-8-0; do
  grep -q "\b$lib\b" <<<"$depends" || die "Depends lacks $lib"
done
# the plugin directory: usr/lib/<multiarch>/runbook with a /usr prefix on Debian
plugin=$(dpkg-deb -c "$deb" | grep -oE '\./usr/lib/([a-z0-9_-]+/)?runbook/runbook-http\.so$' || true)
[[ -n $plugin ]] || die "the package has no usr/lib/.../runbook/runbook-http.so"
say "plugins in ${plugin%/*}"

cleanup() {
  for m in proc dev/pts dev; do
    mountpoint -q "$root/$m" && umount -l "$root/$m" || true
  done
}
trap cleanup EXIT
cleanup
rm -rf "$root"
say "debootstrap bookworm (minbase) from $mirror"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log"; die "debootstrap failed"; }
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/runbook.deb"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb "$@"; }

say "apt-get install ./runbook.deb in the clean root"
in_root apt-get update -q >/dev/null
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends /tmp/runbook.deb \
  >"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log"; die "apt-get install failed"; }

version=$(in_root runbook --version)
say "$version"
want=$(sed -n 's/^project(runbook VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
[[ $version == "runbook $want (commit "* ]] || die "--version: $version"
in_root test -f /usr/share/man/man1/runbook-run.1.gz || die "no man page"
in_root test -f /usr/share/bash-completion/completions/runbook || die "no bash completion"
in_root test -f /usr/share/zsh/vendor-completions/_runbook || die "no zsh completion"
in_root test -f /usr/share/vim/vimfiles/syntax/runbook.vim || die "no vim syntax"

cat >"$root/tmp/smoke.rb" <<'EOF'
runbook "Package smoke test"

step "Shell" {
  let r = sh("echo installed", read_only: true)
  expect r.stdout == "installed\n"
}

step "HTTP plugin" {
  expect http.get("http://127.0.0.1:9/", timeout: 2s).status == 200 within 1s every 500ms
}
EOF
in_root runbook check --strict /tmp/smoke.rb || die "runbook check"
set +e
out=$(in_root sh -c 'cd /tmp && runbook run smoke.rb' 2>&1)
rc=$?
set -e
echo "$out" | sed 's/^/    /'
((rc == 1)) || die "runbook run: exit $rc, expected 1 (the HTTP step fails on a refused connection)"
grep -q 'ok Shell' <<<"$out" || die "the shell step did not pass"
grep -qi 'cannot load' <<<"$out" && die "a plugin was not loaded"
grep -qiE 'refused|connect' <<<"$out" || die "the HTTP step did not fail on the connection"

cat >"$root/tmp/sql.rb" <<'EOF'
step "SQL plugin" {
  let db = sql.connect("postgresql://nobody@127.0.0.1:9/none?connect_timeout=2")
  expect db.scalar("SELECT 1") == 1
} rollback {
  log("nothing to undo")
}
EOF
set +e
out=$(in_root sh -c 'cd /tmp && runbook run sql.rb' 2>&1)
set -e
echo "$out" | sed 's/^/    /'
grep -qi 'cannot load' <<<"$out" && die "the SQL plugin was not loaded"
grep -qiE 'refused|connect' <<<"$out" || die "the SQL step did not fail on the connection"

say "PASS in $(($(date +%s) - start)) s"
