#!/usr/bin/env bash
# scripts/sshd_fleet.sh start DIR [N] | stop DIR | status DIR — a fleet of N "hosts" on loopback
# for the remote-execution tests and benchmarks, served by real OpenSSH sshd processes that are
# ours alone (the system's sshd, its keys and its config are never touched).
#
# Host i (1..N, N <= 254) is 127.0.10.i; every host listens on the same port (picked free).
# One sshd serves at most 16 addresses (OpenSSH's MAX_LISTEN_SOCKS), so N hosts take ceil(N/16)
# sshd processes. Each session gets RBK_FIXTURE_HOST=hI (SetEnv in a `Match LocalAddress`
# block), so a test can make one host behave differently, and HOME=DIR/home, an empty
# directory, so the login user's shell start-up files do not run in every session.
#
# Owns, in DIR:
#   host_ed25519{,.pub}   the fleet's host key (one for all hosts)
#   id_ed25519{,.pub}     the client key; authorized_keys holds its public half
#   known_hosts           the pinned host keys of every host ([127.0.10.i]:PORT and hI)
#   ssh_config            a client config (`ssh -F DIR/ssh_config hI`): BatchMode, strict host
#                         key checking against known_hosts, the key, the port
#   inventory.ini         an Ansible INI inventory of the fleet: group `all_hosts` (every host),
#                         `web` (odd hosts), `workers` (even hosts), ansible_host/port/user set
#   sshd.K.conf, sshd.K.pid, sshd.K.log   per sshd process
#   fleet.env             RBK_FLEET_DIR, RBK_FLEET_N, RBK_FLEET_PORT, RBK_SSH_CONFIG,
#                         RBK_INVENTORY (KEY=value lines, like scripts/services.sh's)
# `start` stops whatever an earlier start left in DIR; `stop` is idempotent and kills the
# sessions' processes too (everything whose RBK_FIXTURE_DIR is DIR).
set -euo pipefail

say() { echo "sshd_fleet: $*"; }
die() { echo "sshd_fleet: $*" >&2; exit 1; }
usage() { echo "usage: $0 start DIR [N] | stop DIR | status DIR" >&2; exit 64; }

SSHD=/usr/sbin/sshd
WAIT_S=10

(($# >= 2)) || usage
cmd=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)

pidfiles() { compgen -G "$dir/sshd.*.pid" || true; }

stop_fleet() {
  local f pid
  for f in $(pidfiles); do
    pid=$(cat "$f" 2>/dev/null || true)
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  done
  # sessions outlive their listener: end every process started for this fleet
  local p
  for p in /proc/[0-9]*; do
    if grep -qz "^RBK_FIXTURE_DIR=$dir\$" "$p/environ" 2>/dev/null; then
      kill -KILL "${p#/proc/}" 2>/dev/null || true
    fi
  done
}

case "$cmd" in
  stop)
    stop_fleet
    say "stopped ($dir)"
    exit 0
    ;;
  status)
    n=0
    for f in $(pidfiles); do
      pid=$(cat "$f"); kill -0 "$pid" 2>/dev/null && n=$((n + 1))
    done
    say "$n sshd running ($dir)"
    exit 0
    ;;
  start) ;;
  *) usage ;;
esac

n=${3:-8}
[[ "$n" =~ ^[0-9]+$ ]] && ((n >= 1 && n <= 254)) || die "N must be 1..254, not '$n'"
[[ -x $SSHD ]] || die "$SSHD not found (Debian package openssh-server; scripts/setup.sh installs it)"
command -v ssh >/dev/null || die "ssh not found (Debian package openssh-client)"

stop_fleet
rm -f "$dir"/sshd.*.conf "$dir"/sshd.*.log "$dir/fleet.env"
mkdir -p "$dir/home"
chmod 700 "$dir"
# sshd refuses to start without its privilege-separation directory (Debian: /run/sshd)
if [[ ! -d /run/sshd ]]; then
  mkdir -p /run/sshd 2>/dev/null && chmod 755 /run/sshd || true
fi

[[ -f "$dir/host_ed25519" ]] || ssh-keygen -q -t ed25519 -N '' -C rbk-fleet-host -f "$dir/host_ed25519"
[[ -f "$dir/id_ed25519" ]] || ssh-keygen -q -t ed25519 -N '' -C rbk-fleet-client -f "$dir/id_ed25519"
cp "$dir/id_ed25519.pub" "$dir/authorized_keys"
chmod 600 "$dir/authorized_keys"

user=$(id -un)
addr() { echo "127.0.10.$1"; }

# one port free on every address of the fleet
port=$(python3 - "$n" <<'EOF'
import socket, sys
n = int(sys.argv[1])
for _ in range(200):
    s = socket.socket(); s.bind(("127.0.10.1", 0)); port = s.getsockname()[1]; s.close()
    ok = True
    for i in range(1, n + 1):
        t = socket.socket()
        try:
            t.bind((f"127.0.10.{i}", port))
        except OSError:
            ok = False
        finally:
            t.close()
        if not ok:
            break
    if ok:
        print(port); break
else:
    sys.exit("no port free on every fleet address")
EOF
)

hostkey=$(cut -d' ' -f1,2 "$dir/host_ed25519.pub")
: > "$dir/known_hosts"
for ((i = 1; i <= n; i++)); do
  echo "[$(addr "$i")]:$port $hostkey" >> "$dir/known_hosts"
done

cat > "$dir/ssh_config" <<EOF
# made by scripts/sshd_fleet.sh for the fleet in $dir
Host h*
  Port $port
  User $user
  IdentityFile $dir/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $dir/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  LogLevel ERROR
EOF
for ((i = 1; i <= n; i++)); do
  printf 'Host h%d\n  HostName %s\n' "$i" "$(addr "$i")" >> "$dir/ssh_config"
done
printf 'Host 127.0.10.*\n  Port %s\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n  UserKnownHostsFile %s\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n  BatchMode yes\n  LogLevel ERROR\n' \
  "$port" "$user" "$dir/id_ed25519" "$dir/known_hosts" >> "$dir/ssh_config"

{
  echo "# made by scripts/sshd_fleet.sh: $n hosts on 127.0.10.1-$n, port $port"
  echo "[all_hosts]"
  for ((i = 1; i <= n; i++)); do
    echo "h$i ansible_host=$(addr "$i") ansible_port=$port ansible_user=$user"
  done
  echo
  echo "[web]"
  for ((i = 1; i <= n; i += 2)); do echo "h$i"; done
  echo
  echo "[workers]"
  for ((i = 2; i <= n; i += 2)); do echo "h$i"; done
  echo
  echo "[all_hosts:vars]"
  echo "ansible_ssh_private_key_file=$dir/id_ed25519"
  echo "ansible_ssh_common_args='-o UserKnownHostsFile=$dir/known_hosts -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes'"
} > "$dir/inventory.ini"

k=0
for ((first = 1; first <= n; first += 16)); do
  k=$((k + 1))
  conf=$dir/sshd.$k.conf
  {
    echo "# sshd $k of the fleet in $dir (made by scripts/sshd_fleet.sh)"
    echo "Port $port"
    for ((i = first; i <= n && i < first + 16; i++)); do
      echo "ListenAddress $(addr "$i")"
    done
    echo "HostKey $dir/host_ed25519"
    echo "PidFile $dir/sshd.$k.pid"
    echo "AuthorizedKeysFile $dir/authorized_keys"
    echo "PasswordAuthentication no"
    echo "KbdInteractiveAuthentication no"
    echo "PubkeyAuthentication yes"
    echo "PermitRootLogin prohibit-password"
    echo "UsePAM no"
    echo "StrictModes no"
    echo "PrintMotd no"
    echo "PrintLastLog no"
    echo "UseDNS no"
    echo "MaxSessions 200"
    echo "MaxStartups 300:30:600"
    echo "MaxAuthTries 3"
    echo "LogLevel ERROR"
    echo "Subsystem sftp internal-sftp"
    echo "SetEnv RBK_FIXTURE_DIR=$dir HOME=$dir/home"
    for ((i = first; i <= n && i < first + 16; i++)); do
      echo "Match LocalAddress $(addr "$i")"
      echo "  SetEnv RBK_FIXTURE_DIR=$dir RBK_FIXTURE_HOST=h$i HOME=$dir/home"
    done
  } > "$conf"
  "$SSHD" -t -f "$conf" || die "sshd rejected $conf"
  "$SSHD" -f "$conf" -E "$dir/sshd.$k.log"
done

# ready when every address answers with an SSH banner, and the first host of each sshd accepts
# a session with its own RBK_FIXTURE_HOST (a full session per host would cost a key exchange each)
deadline=$((SECONDS + WAIT_S))
banner() { timeout 2 bash -c 'exec 3<>/dev/tcp/$0/$1 && head -c 4 <&3' "$1" "$port" 2>/dev/null; }
for ((i = 1; i <= n; i++)); do
  until [[ "$(banner "$(addr "$i")")" == "SSH-" ]]; do
    ((SECONDS < deadline)) || die "host h$i ($(addr "$i"):$port) not listening after ${WAIT_S}s (logs: $dir/sshd.*.log)"
    sleep 0.1
  done
done
for ((i = 1; i <= n; i += 16)); do
  out=$(ssh -F "$dir/ssh_config" "h$i" 'echo "$RBK_FIXTURE_HOST"' 2>&1) && [[ "$out" == "h$i" ]] ||
    die "host h$i ($(addr "$i"):$port) does not take a session: $out (logs: $dir/sshd.*.log)"
done

cat > "$dir/fleet.env" <<EOF
RBK_FLEET_DIR=$dir
RBK_FLEET_N=$n
RBK_FLEET_PORT=$port
RBK_SSH_CONFIG=$dir/ssh_config
RBK_INVENTORY=$dir/inventory.ini
EOF
say "$n hosts on 127.0.10.1-$n port $port, $k sshd ($dir)"
