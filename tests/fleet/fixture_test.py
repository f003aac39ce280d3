#!/usr/bin/env python3
"""tests/fleet/fixture_test.py DIR — checks the loopback sshd fleet that scripts/sshd_fleet.sh
started in DIR is what the remote-execution tests rely on:

- every host of the inventory answers on its own address, with its own RBK_FIXTURE_HOST;
- sessions get HOME = DIR/home, which is empty (no shell start-up files run);
- the host key is pinned: a known_hosts with another key for the host is refused, and so is a
  host missing from known_hosts (BatchMode: never a prompt);
- a command's process group is its own (sshd makes the session shell a group leader), which
  the remote-kill mechanism of docs/fleet.md relies on;
- values reach the remote command byte for byte through one level of single quoting;
- `sshd_fleet.sh stop` ends the sessions it started, not only the listeners.
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time

DIR = os.path.abspath(sys.argv[1])
ENV = dict(line.strip().split("=", 1) for line in open(os.path.join(DIR, "fleet.env")) if "=" in line)
CFG = ENV["RBK_SSH_CONFIG"]
N = int(ENV["RBK_FLEET_N"])
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def ssh(host, cmd, *opts, timeout=30):
    return subprocess.run(["ssh", "-F", CFG, *opts, "--", host, cmd],
                          capture_output=True, text=True, timeout=timeout)


# the inventory lists every host with its address
inv = open(ENV["RBK_INVENTORY"]).read()
hosts = re.findall(r"^(h\d+) ansible_host=(127\.0\.10\.\d+) ansible_port=(\d+)", inv, re.M)
check(len(hosts) == N, f"inventory lists {N} hosts (got {len(hosts)})")

for name, addr, port in (hosts[0], hosts[N // 2], hosts[-1]):
    r = ssh(name, 'echo "$RBK_FIXTURE_HOST $HOME"; ls -A "$HOME" | wc -l; echo "$SSH_CONNECTION"')
    lines = r.stdout.split("\n")
    check(r.returncode == 0 and lines[0] == f"{name} {DIR}/home",
          f"{name}: own RBK_FIXTURE_HOST and HOME ({r.stdout!r} {r.stderr!r})")
    check(len(lines) > 2 and lines[1].strip() == "0", f"{name}: HOME is empty")
    check(len(lines) > 2 and lines[2].split()[2:4] == [addr, port], f"{name}: served on {addr}:{port}")

# the host key is pinned
name, addr, port = hosts[0]
with tempfile.TemporaryDirectory() as tmp:
    wrong = os.path.join(tmp, "wrong_key")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", wrong], check=True)
    kh = os.path.join(tmp, "known_hosts")
    with open(kh, "w") as f:
        f.write(f"[{addr}]:{port} " + " ".join(open(wrong + ".pub").read().split()[:2]) + "\n")
    r = ssh(name, "true", "-o", f"UserKnownHostsFile={kh}")
    check(r.returncode == 255 and "HOST IDENTIFICATION HAS CHANGED" in r.stderr,
          f"a changed host key is refused ({r.stderr.strip()[:80]!r})")
    empty = os.path.join(tmp, "empty")
    open(empty, "w").close()
    r = ssh(name, "true", "-o", f"UserKnownHostsFile={empty}")
    check(r.returncode == 255 and "Host key verification failed" in r.stderr,
          "an unknown host key is refused, without a prompt")

# the session shell leads its own process group
r = ssh(name, "ps -o pid=,pgid= -p $$")
pid, pgid = (r.stdout.split() + ["", ""])[:2]
check(r.returncode == 0 and pid == pgid, f"the remote command is a process-group leader ({r.stdout.strip()!r})")

# one level of single quoting carries hostile bytes exactly
hostile = ["plain", "it's", "a b\tc", "$(touch /tmp/rbk-pwned)", "`id`", "\\\\", "*", "--", "-G",
           "\"'\"", "line1\nline2", "é ✓", ";rm -rf /", "${HOME}"]
script = 'for a in "$@"; do printf "%s\\0" "$a"; done'
remote = "sh -c " + shlex.quote(script) + " sh " + " ".join(shlex.quote(v) for v in hostile)
r = subprocess.run(["ssh", "-F", CFG, "--", name, remote], capture_output=True, timeout=30)
got = r.stdout.split(b"\0")[:-1]
check(got == [v.encode() for v in hostile], "hostile values round-trip through one quoting level")
check(not os.path.exists("/tmp/rbk-pwned"), "no value was executed")

# stop ends the sessions, then start brings the fleet back for the other tests
marker = f"rbk-fleet-{os.getpid()}"
p = subprocess.Popen(["ssh", "-F", CFG, "--", name, f"exec -a {marker} sleep 300"],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for _ in range(100):
    if subprocess.run(["pgrep", "-f", f"^{marker}"], capture_output=True).returncode == 0:
        break
    time.sleep(0.1)
check(subprocess.run(["pgrep", "-f", f"^{marker}"], capture_output=True).returncode == 0, "a remote session is running")
script_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts")
subprocess.run(["bash", os.path.join(script_dir, "sshd_fleet.sh"), "stop", DIR], check=True,
               stdout=subprocess.DEVNULL)
p.wait(timeout=30)
left = subprocess.run(["pgrep", "-f", f"^{marker}"], capture_output=True, text=True).stdout.strip()
check(left == "", f"stop ended the remote session ({left!r})")
subprocess.run(["bash", os.path.join(script_dir, "sshd_fleet.sh"), "start", DIR, str(N)], check=True,
               stdout=subprocess.DEVNULL)
r = ssh(name, 'echo "$RBK_FIXTURE_HOST"')
check(r.stdout.strip() == name, "the fleet is back after stop and start")

sys.exit(1 if failures else 0)
