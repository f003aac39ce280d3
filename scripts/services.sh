#!/usr/bin/env bash
# scripts/services.sh start DIR | stop DIR | status DIR — the local services used by the end-to-end
# (golden) tests and the demo, all on 127.0.0.1.
#
# Owns: DIR/services.env (KEY=value lines, read by tests/golden_runner.py --services-env and
# sourced by scripts/demo.sh) and what it starts in DIR:
#   DIR/pg/           a PostgreSQL cluster, through scripts/pg_cluster.sh start|stop DIR/pg
#                     (its DIR/pg/pg.env lines are copied: RBK_PG_URL, RBK_PG_DEMO_URL, ...)
#   DIR/httpd.pid     ("PID STARTTIME") the HTTP/HTTPS fixture server rbk-fixture-httpd (tests/fixtures/), from
#                     $RBK_FIXTURE_HTTPD (set but empty: no fixture) or else the newest
#                     build/*/tests/fixtures/rbk-fixture-httpd,
#   DIR/tls/          with a self-signed certificate for 127.0.0.1 made here,
#   DIR/httpd.log     and its output.
# services.env gets RBK_HTTP_URL=http://127.0.0.1:PORT, RBK_HTTPS_URL=https://127.0.0.1:PORT and
# RBK_HTTPS_CA=DIR/tls/cert.pem (the certificate a client must trust for RBK_HTTPS_URL).
# A part that does not exist yet (no pg_cluster.sh, no fixture binary) is skipped with a message;
# its variables are then absent and the goldens that `# requires:` it are skipped.
# `start` stops whatever an earlier start left in DIR first; `stop` is idempotent.
set -euo pipefail
caller_dir=$PWD
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD

WAIT_S=10

say() { echo "services: $*"; }
die() { echo "services: $*" >&2; exit 1; }
usage() { echo "usage: $0 start|stop|status DIR" >&2; exit 64; }

abspath() {
  case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$caller_dir" "$1" ;;
  esac
}

# "PID STARTTIME" of a live process (STARTTIME: field 22 of /proc/PID/stat, which tells a
# reused PID apart); fails for a missing or zombie process.
proc_id() {
  local pid=$1 stat rest
  local -a f
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  rest=${stat##*) }            # fields 3.. (the command name may hold spaces)
  read -r -a f <<<"$rest"
  [[ "${f[0]}" != Z ]] || return 1
  printf '%s %s\n' "$pid" "${f[19]}"
}

# True when the "PID STARTTIME" recorded in FILE is still that same live process.
recorded_alive() {
  local file=$1 pid start now
  [[ -f "$file" ]] || return 1
  read -r pid start <"$file" || return 1
  now=$(proc_id "$pid") || return 1
  [[ "$now" == "$pid $start" ]]
}

find_fixture() {
  # Set (even to nothing): exactly that binary, or none when empty (tests/golden.cmake does this
  # when the build has no fixture target, so that a stale one from another build is never used).
  if [[ -n "${RBK_FIXTURE_HTTPD+set}" ]]; then
    printf '%s\n' "$RBK_FIXTURE_HTTPD"
    return
  fi
  local f best="" newest=0 t
  for f in "$repo"/build/*/tests/fixtures/rbk-fixture-httpd; do
    [[ -x "$f" ]] || continue
    t=$(stat -c %Y "$f")
    if ((t > newest)); then newest=$t best=$f; fi
  done
  printf '%s\n' "$best"
}

# Waits until FILE holds a port number; fails if PID dies or WAIT_S passes.
wait_port_file() {
  local file=$1 pid=$2 deadline=$((SECONDS + WAIT_S)) port
  while ((SECONDS <= deadline)); do
    if [[ -s "$file" ]]; then
      port=$(tr -d ' \n\r\t' <"$file")
      if [[ "$port" =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)); then
        printf '%s\n' "$port"
        return 0
      fi
    fi
    proc_id "$pid" >/dev/null || return 1
    sleep 0.05
  done
  return 1
}

cmd_stop() {
  local dir=$1 pid i
  [[ -d "$dir" ]] || return 0
  if recorded_alive "$dir/httpd.pid"; then
    read -r pid _ <"$dir/httpd.pid"
    # setsid made it the leader of its own process group: signal the group.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      recorded_alive "$dir/httpd.pid" || break
      sleep 0.05
    done
    if recorded_alive "$dir/httpd.pid"; then
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    say "stopped rbk-fixture-httpd (pid $pid)"
  fi
  if [[ -d "$dir/pg" ]]; then
    if [[ -f scripts/pg_cluster.sh ]]; then
      bash scripts/pg_cluster.sh stop "$dir/pg"
      say "stopped PostgreSQL"
    else
      say "warning: $dir/pg exists but scripts/pg_cluster.sh does not; leaving it"
    fi
  fi
  rm -f "$dir/services.env" "$dir/services.env.tmp" "$dir/httpd.pid" "$dir/http.port" \
    "$dir/https.port" "$dir/httpd.log"
  rm -rf "$dir/tls"
  rmdir "$dir" 2>/dev/null || true
}

cmd_start() {
  local dir=$1 env_tmp httpd pid http_port https_port rc
  if [[ -e "$dir/services.env" || -e "$dir/httpd.pid" || -e "$dir/pg" ]]; then
    say "stopping what an earlier start left in $dir"
    cmd_stop "$dir"
  fi
  mkdir -p "$dir"
  env_tmp=$dir/services.env.tmp
  {
    echo "# written by scripts/services.sh start $dir"
  } >"$env_tmp"
  # From here on, a failure stops whatever was started.
  trap 'rc=$?; if ((rc != 0)); then cmd_stop "$dir" >/dev/null 2>&1 || true; fi' EXIT

  # PostgreSQL.
  if [[ -f scripts/pg_cluster.sh ]]; then
    bash scripts/pg_cluster.sh start "$dir/pg"
    [[ -f "$dir/pg/pg.env" ]] || die "scripts/pg_cluster.sh did not write $dir/pg/pg.env"
    grep -E '^(export )?[A-Za-z_][A-Za-z0-9_]*=' "$dir/pg/pg.env" | sed 's/^export //' >>"$env_tmp"
    grep -q '^RBK_PG_URL=' "$env_tmp" || die "$dir/pg/pg.env has no RBK_PG_URL"
  else
    say "skipping PostgreSQL: scripts/pg_cluster.sh does not exist yet (no RBK_PG_URL)"
  fi

  # HTTP and HTTPS fixture server.
  httpd=$(find_fixture)
  if [[ -z "$httpd" && -n "${RBK_FIXTURE_HTTPD+set}" ]]; then
    say "skipping HTTP: this build has no rbk-fixture-httpd target yet (no RBK_HTTP_URL)"
  elif [[ -z "$httpd" ]]; then
    say "skipping HTTP: no build/*/tests/fixtures/rbk-fixture-httpd yet (build it, or set RBK_FIXTURE_HTTPD) (no RBK_HTTP_URL)"
  elif [[ ! -x "$httpd" ]]; then
    die "RBK_FIXTURE_HTTPD=$httpd is not an executable file"
  else
    mkdir -p "$dir/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 2 \
      -addext subjectAltName=IP:127.0.0.1 \
      -keyout "$dir/tls/key.pem" -out "$dir/tls/cert.pem" >"$dir/tls/openssl.log" 2>&1 ||
      { cat "$dir/tls/openssl.log" >&2; die "openssl could not make a certificate"; }
    rm -f "$dir/http.port" "$dir/https.port"
    # Its own session: a Ctrl-C meant for a runbook in the demo must not kill the server.
    setsid "$httpd" --port-file "$dir/http.port" --https-port-file "$dir/https.port" \
      --cert "$dir/tls/cert.pem" --key "$dir/tls/key.pem" </dev/null >"$dir/httpd.log" 2>&1 &
    pid=$!
    proc_id "$pid" >"$dir/httpd.pid" || echo "$pid 0" >"$dir/httpd.pid"
    if ! http_port=$(wait_port_file "$dir/http.port" "$pid") ||
      ! https_port=$(wait_port_file "$dir/https.port" "$pid"); then
      echo "services: ---- $dir/httpd.log ----" >&2
      cat "$dir/httpd.log" >&2 || true
      if recorded_alive "$dir/httpd.pid"; then
        die "rbk-fixture-httpd ($httpd) did not write its port files within ${WAIT_S} s"
      fi
      wait "$pid" && rc=0 || rc=$?
      die "rbk-fixture-httpd ($httpd) exited with status $rc before writing its port files"
    fi
    {
      echo "RBK_HTTP_URL=http://127.0.0.1:$http_port"
      echo "RBK_HTTPS_URL=https://127.0.0.1:$https_port"
      echo "RBK_HTTPS_CA=$dir/tls/cert.pem"
      # the binary itself, for tests that start a late or extra server
      echo "RBK_FIXTURE_HTTPD=$httpd"
    } >>"$env_tmp"
    say "rbk-fixture-httpd (pid $pid) on http://127.0.0.1:$http_port and https://127.0.0.1:$https_port"
  fi

  mv -f "$env_tmp" "$dir/services.env"
  trap - EXIT
  say "environment in $dir/services.env"
}

cmd_status() {
  local dir=$1 ok=0
  [[ -f "$dir/services.env" ]] || { say "not started in $dir"; return 1; }
  cat "$dir/services.env"
  if [[ -f "$dir/httpd.pid" ]] && ! recorded_alive "$dir/httpd.pid"; then
    say "rbk-fixture-httpd is not running"; ok=1
  fi
  if [[ -d "$dir/pg" ]] && ! bash scripts/pg_cluster.sh status "$dir/pg"; then
    say "PostgreSQL is not running"; ok=1
  fi
  return $ok
}

[[ $# -eq 2 ]] || usage
dir=$(abspath "$2")
case $1 in
  start) cmd_start "$dir" ;;
  stop) cmd_stop "$dir" ;;
  status) cmd_status "$dir" ;;
  *) usage ;;
esac
