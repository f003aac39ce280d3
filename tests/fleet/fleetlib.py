"""tests/fleet/fleetlib.py — what the fleet tests (remote_test.py, copy_test.py, peritem_test.py)
share: the fixture's environment (scripts/sshd_fleet.sh's fleet.env), the ok/FAIL checks, and
the processes of the fixture's sessions (to see that nothing is left running on a host)."""
import os
import sys
import time


def fleet_env(fleet_dir):
    """The KEY=value lines of DIR/fleet.env (RBK_INVENTORY, RBK_FLEET_N, RBK_SSH_CONFIG, ...)."""
    with open(os.path.join(fleet_dir, "fleet.env")) as f:
        return dict(line.strip().split("=", 1) for line in f if "=" in line)


failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def finish():
    """Prints the count and exits 1 when a check failed."""
    print(f"{len(failures)} failure(s)")
    sys.exit(1 if failures else 0)


def remote_procs(fleet_dir, marker):
    """pids of processes of the fleet's sessions (RBK_FIXTURE_DIR in their environment) whose
    command line starts with marker ("sleep 322": the command itself, not the shell whose
    script names it — a POSIX login shell gets the script as its argument, single-quoted)"""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            env = open(f"/proc/{pid}/environ", "rb").read()
            cmd = open(f"/proc/{pid}/cmdline", "rb").read()
        except OSError:
            continue
        if f"RBK_FIXTURE_DIR={fleet_dir}".encode() in env and cmd.replace(b"\0", b" ").startswith(marker.encode()):
            found.append(int(pid))
    return found


def wait_gone(fleet_dir, marker, tries=100):
    """remote_procs after waiting up to tries/10 s for them to end (a remote watchdog's kill is
    asynchronous to the local exit)"""
    left = remote_procs(fleet_dir, marker)
    for _ in range(tries):
        if not left:
            break
        time.sleep(0.1)
        left = remote_procs(fleet_dir, marker)
    return left
