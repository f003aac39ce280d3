#!/usr/bin/env bash
# scripts/pg_cluster.sh — a throwaway PostgreSQL 15 cluster for the SQL tests and the demo.
#
#   scripts/pg_cluster.sh start DIR   initdb + start on 127.0.0.1:<free port>, write DIR/pg.env
#   scripts/pg_cluster.sh stop DIR    pg_ctl stop -m immediate, remove DIR (idempotent)
#   scripts/pg_cluster.sh status DIR  exit 0 when the cluster of DIR is running
#
# DIR/pg.env (KEY=value lines, usable with `source` and `runbook run --env-file`):
#   RBK_PG_URL       postgresql://postgres@127.0.0.1:PORT/rbk_test      (trust)
#   RBK_PG_DEMO_URL  postgresql://postgres@127.0.0.1:PORT/rbk_demo      (trust)
#   RBK_PG_PW_URL    postgresql://rbk_pw:pw-secret-123@127.0.0.1:PORT/rbk_test (scram, password)
#   RBK_PG_PORT, RBK_PG_BIN, RBK_PG_DATA, RBK_PG_SOCKDIR, RBK_PG_LOG
# Input: RBK_PG_BIN (default /usr/lib/postgresql/15/bin); RBK_PG_EXTRA_CONF, lines appended to
# postgresql.conf (e.g. "statement_timeout = '5s'").
#
# Authentication: trust for local sockets and for every role over TCP except `rbk_pw`, which must
# give its password (scram-sha-256) — so tests can exercise a wrong password.
# PostgreSQL refuses to run as root: when run as root, the data directory is owned by `postgres`
# and initdb/pg_ctl run through `runuser -u postgres --`. When `postgres` cannot reach DIR (a
# parent it cannot traverse), the cluster lives in a mktemp directory under /tmp recorded in
# DIR/pg.base. Durability is off (fsync=off): this is for tests only.
set -euo pipefail

PG_BIN=${RBK_PG_BIN:-/usr/lib/postgresql/15/bin}
PW_ROLE=rbk_pw
PW_SECRET=pw-secret-123
START_TIMEOUT=30

die() { echo "pg_cluster: $*" >&2; exit 1; }
usage() { echo "usage: $0 start|stop|status DIR" >&2; exit 64; }

is_root() { [ "$(id -u)" -eq 0 ]; }
# Runs a server-side command as the cluster's owner.
as_owner() {
    if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

abspath() {
    case $1 in
        /*) printf '%s\n' "$1" ;;
        *) printf '%s/%s\n' "$(pwd -P)" "$1" ;;
    esac
}

# Where the cluster of DIR really lives (DIR itself, or the /tmp directory recorded in pg.base).
base_of() {
    local dir=$1
    if [ -f "$dir/pg.base" ]; then cat "$dir/pg.base"; else printf '%s\n' "$dir"; fi
}

port_free() {
    python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
EOF
}

pick_port() {
    local base=$(( 20000 + (RANDOM * 7 + $$) % 30000 )) i p
    for i in $(seq 0 199); do
        p=$(( base + i * 13 ))
        [ "$p" -gt 65000 ] && p=$(( p - 45000 ))
        if port_free "$p"; then echo "$p"; return 0; fi
    done
    return 1
}

show_log() {
    local log=$1
    echo "pg_cluster: ---- server log ($log) ----" >&2
    if [ -f "$log" ]; then tail -n 60 "$log" >&2; else echo "(no log written)" >&2; fi
    echo "pg_cluster: ---- end of server log ----" >&2
}

cmd_status() {
    local dir base
    dir=$(abspath "$1")
    [ -d "$dir" ] || return 1
    base=$(base_of "$dir")
    [ -f "$base/data/postmaster.pid" ] || return 1
    as_owner "$PG_BIN/pg_ctl" status -D "$base/data" >/dev/null 2>&1
}

cmd_stop() {
    local dir base sock=""
    dir=$(abspath "$1")
    [ -e "$dir" ] || return 0
    [ -d "$dir" ] || die "$dir is not a directory"
    base=$(base_of "$dir")
    if [ -f "$dir/pg.env" ]; then
        sock=$(sed -n 's/^RBK_PG_SOCKDIR=//p' "$dir/pg.env")
    fi
    if [ -f "$base/data/postmaster.pid" ]; then
        as_owner "$PG_BIN/pg_ctl" stop -D "$base/data" -m immediate -w -t 30 >/dev/null 2>&1 || true
    fi
    # Remove only what this script made: a directory holding its files (or empty).
    if [ -f "$dir/pg.env" ] || [ -f "$dir/pg.base" ] || [ -d "$dir/data" ] || [ -z "$(ls -A "$dir")" ]; then
        if [ "$base" != "$dir" ] && [ -d "$base" ]; then rm -rf -- "$base"; fi
        case $sock in
            /tmp/rbk-pgsock.*) rm -rf -- "$sock" ;;
        esac
        rm -rf -- "$dir"
    else
        die "$dir does not look like a cluster made by $0; not removing it"
    fi
}

cmd_start() {
    local dir base data sock log port attempt ok=0
    dir=$(abspath "$1")
    [ -x "$PG_BIN/initdb" ] || die "initdb not found in $PG_BIN (set RBK_PG_BIN)"
    command -v python3 >/dev/null || die "python3 is needed to find a free port"
    if [ -e "$dir" ]; then
        if [ -f "$dir/pg.env" ] && cmd_status "$dir"; then
            die "a cluster is already running in $dir (stop it first)"
        fi
        [ -d "$dir" ] || die "$dir exists and is not a directory"
        [ -z "$(ls -A "$dir")" ] || die "$dir exists and is not empty"
    fi
    mkdir -p -- "$dir"
    base=$dir
    if is_root; then
        chown postgres: "$dir"
        chmod 700 "$dir"
        if ! runuser -u postgres -- test -w "$dir"; then
            # A parent of DIR is not traversable by postgres: live under /tmp instead.
            base=$(mktemp -d /tmp/rbk-pg.XXXXXX)
            chown postgres: "$base"
            chmod 700 "$base"
            printf '%s\n' "$base" > "$dir/pg.base"
        fi
    fi
    data=$base/data
    log=$base/server.log
    sock=$base/sock
    # Unix socket paths are limited to 107 bytes (".s.PGSQL.NNNNN" included).
    if [ ${#sock} -gt 80 ]; then
        sock=$(mktemp -d /tmp/rbk-pgsock.XXXXXX)
    else
        mkdir -p "$sock"
    fi
    if is_root; then chown postgres: "$sock"; fi

    # From here on, a failure tears down what was made, after showing why.
    G_DIR=$dir G_LOG=$log
    trap 'rc=$?; if [ $rc -ne 0 ]; then show_log "$G_LOG"; cmd_stop "$G_DIR" >/dev/null 2>&1 || true; fi' EXIT

    if ! as_owner "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
            --no-sync >"$base/initdb.log" 2>&1; then
        cat "$base/initdb.log" >&2
        die "initdb failed"
    fi
    as_owner tee "$data/pg_hba.conf" >/dev/null <<EOF
# pg_cluster.sh: trust everywhere except the password-auth test role over TCP.
local   all  all                      trust
host    all  $PW_ROLE  127.0.0.1/32   scram-sha-256
host    all  all       127.0.0.1/32   trust
EOF
    as_owner tee -a "$data/postgresql.conf" >/dev/null <<EOF
# pg_cluster.sh: throwaway test cluster
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sock'
fsync = off
synchronous_commit = off
full_page_writes = off
password_encryption = 'scram-sha-256'
max_connections = 50
shared_buffers = 32MB
logging_collector = off
${RBK_PG_EXTRA_CONF:-}
EOF
    for attempt in 1 2 3 4 5; do
        port=$(pick_port) || die "no free TCP port found on 127.0.0.1"
        : > "$log" 2>/dev/null || true
        if is_root; then chown postgres: "$log"; fi
        # The port goes into the configuration so that a plain `pg_ctl start` reuses it.
        as_owner sed -i '/^port = /d' "$data/postgresql.conf"
        echo "port = $port" | as_owner tee -a "$data/postgresql.conf" >/dev/null
        if as_owner "$PG_BIN/pg_ctl" start -D "$data" -l "$log" -w -t "$START_TIMEOUT" \
                >/dev/null 2>&1; then
            ok=1
            break
        fi
        # Lost a race for the port: try another one; any other failure is fatal.
        if grep -q -e 'could not bind' -e 'Address already in use' "$log" 2>/dev/null; then
            as_owner "$PG_BIN/pg_ctl" stop -D "$data" -m immediate >/dev/null 2>&1 || true
            continue
        fi
        break
    done
    [ "$ok" -eq 1 ] || die "the server did not start (attempt $attempt)"

    local psql=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres)
    "${psql[@]}" -d postgres >/dev/null <<EOF
CREATE ROLE $PW_ROLE LOGIN PASSWORD '$PW_SECRET';
CREATE DATABASE rbk_test;
CREATE DATABASE rbk_demo;
GRANT ALL ON DATABASE rbk_test TO $PW_ROLE;
EOF
    "${psql[@]}" -d rbk_test -c "GRANT ALL ON SCHEMA public TO $PW_ROLE" >/dev/null

    local tmp=$dir/pg.env.tmp
    cat > "$tmp" <<EOF
RBK_PG_URL=postgresql://postgres@127.0.0.1:$port/rbk_test
RBK_PG_DEMO_URL=postgresql://postgres@127.0.0.1:$port/rbk_demo
RBK_PG_PW_URL=postgresql://$PW_ROLE:$PW_SECRET@127.0.0.1:$port/rbk_test
RBK_PG_PORT=$port
RBK_PG_BIN=$PG_BIN
RBK_PG_DATA=$data
RBK_PG_SOCKDIR=$sock
RBK_PG_LOG=$log
EOF
    mv -f "$tmp" "$dir/pg.env"
    trap - EXIT
    echo "pg_cluster: PostgreSQL running on 127.0.0.1:$port (data $data); env in $dir/pg.env"
}

[ $# -eq 2 ] || usage
case $1 in
    start) cmd_start "$2" ;;
    stop) cmd_stop "$2" ;;
    status) cmd_status "$2" ;;
    *) usage ;;
esac
