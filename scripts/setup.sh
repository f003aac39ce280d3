#!/usr/bin/env bash
# scripts/setup.sh — installs the Debian 12 packages runbook needs to build, test and demo.
# Owns: the package list. Quick and silent-ish when everything is present (one dpkg-query);
# otherwise runs `apt-get update` once and installs only what is missing, noninteractively,
# as root or through sudo. Used by scripts/build.sh callers: test.sh, demo.sh, .ci/run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

packages=(
  build-essential cmake re2c bison pkg-config
  libcmocka-dev libcurl4-openssl-dev libpq-dev libjansson-dev libpcre2-dev libmicrohttpd-dev libyaml-dev
  postgresql lua5.4 python3 openssl tmux valgrind clang hyperfine strace
  libclang-rt-14-dev  # libFuzzer and clang's sanitizers, for `cmake --preset fuzz` (only recommended by clang)
  # editor and install tests (tests/editor.cmake, tests/install.cmake)
  vim neovim zsh man-db groff-base
  # the loopback sshd fleet of the remote-execution tests (scripts/sshd_fleet.sh); Ansible reads
  # the same inventories in inventory.ansible, and with parallel-ssh is a benchmark anchor
  openssh-server openssh-client ansible-core pssh
)
# node and npm run the TextMate grammar test; a machine that has them from elsewhere keeps them
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "installed" ]]; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages present"
else
  echo "setup: installing ${missing[*]}"
  sudo=()
  if [[ "$(id -u)" != 0 ]]; then
    if ! command -v sudo >/dev/null; then
      echo "setup: not root and sudo is not available; install as root: apt-get install ${missing[*]}" >&2
      exit 1
    fi
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Installing a server package must not start it (openssh-server would start the system's sshd
  # on every address; the tests start their own on loopback): Debian's policy-rc.d convention,
  # in place only for this install when the machine has none of its own.
  policy=/usr/sbin/policy-rc.d
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# scripts/setup.sh: no service starts during this install\nexit 101\n' |
      "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    trap '"${sudo[@]}" rm -f "$policy"' EXIT
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
fi

# The PostgreSQL server binaries used by scripts/pg_cluster.sh.
if [[ ! -x /usr/lib/postgresql/15/bin/initdb ]]; then
  echo "setup: /usr/lib/postgresql/15/bin/initdb not found after installing postgresql" >&2
  exit 1
fi
