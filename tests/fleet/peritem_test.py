#!/usr/bin/env python3
"""tests/fleet/peritem_test.py RUNBOOK DIR — per-item steps (docs/fleet.md, "Per-item steps")
against the loopback sshd fleet of scripts/sshd_fleet.sh in DIR:

- `for n in hosts.web serial 3`: one instance per host, each with its own events and journal
  records; the instances of a batch run at the same time (their remote commands overlap) and
  the next batch starts when the batch is done;
- a host that fails mid-batch: max_fail 0 (no new instance starts, the running ones finish, the
  step fails, the instances are rolled back in reverse order of their end, then the earlier
  steps); max_fail 1 (the step is ok, the failed instance alone is rolled back);
- SIGKILL of the run mid-batch: no remote process is left; resume skips the instances that
  ended and runs the cut ones again (--unknown rerun);
- SIGINT mid-batch: exit 4, no remote process left;
- --dry-run shows the writes per instance; a secret in remote output is masked;
- --only names one instance.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fleetlib import check, finish, fleet_env, remote_procs as _remote_procs, wait_gone as _wait_gone  # noqa: E402

RUNBOOK, DIR = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
ENV = fleet_env(DIR)
INV = ENV["RBK_INVENTORY"]
N = int(ENV["RBK_FLEET_N"])
WEB = [f"h{i}" for i in range(1, N + 1, 2)]
TMP = tempfile.mkdtemp(prefix="rbk-peritem-")


def write(name, text):
    p = os.path.join(TMP, name)
    with open(p, "w") as f:
        f.write(text)
    return p


def run(rb, *args, env=None):
    e = dict(os.environ, NO_COLOR="1")
    e.update(env or {})
    return subprocess.run([RUNBOOK, "run", rb, "--inventory", INV, *args], capture_output=True, timeout=300, env=e)


def out(r):
    return r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")


def remote_procs(marker):
    return _remote_procs(DIR, marker)


def wait_gone(marker, tries=100):
    return _wait_gone(DIR, marker, tries)


def interrupt_when(argv, procs, count, sig):
    """Starts argv, waits until procs() finds count processes (up to 120 s: a loaded machine
    starts the sessions slowly; no bound is asserted), sends sig; returns how many it found,
    the exit code and the output."""
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    for _ in range(1200):
        if len(procs()) >= count:
            break
        time.sleep(0.1)
    running = len(procs())
    p.send_signal(sig)
    o, e = p.communicate(timeout=120)
    return running, p.returncode, o + e


def journal(path):
    return [json.loads(line) for line in open(path) if line.strip()]


def lines(path):
    return open(path).read().split() if os.path.exists(path) else []


# --- batches of 3 over hosts.web: every host once, instances of a batch overlap, batches do not
marks = os.path.join(TMP, "m1")
os.mkdir(marks)
jr = os.path.join(TMP, "j1.jsonl")
rb = write("batches.rb", f'''runbook "batches"
hosts web
step "Upgrade {{n.name}}" for n in hosts.web serial 3 {{
  let r = sh("date +%s%N > {marks}/start_$RBK_FIXTURE_HOST; sleep 0.6; date +%s%N > {marks}/end_$RBK_FIXTURE_HOST; echo on $RBK_FIXTURE_HOST", on: n)
  expect trim(r.stdout) == "on {{n.name}}"
}} rollback {{
  sh("echo undo", on: n)
}}
''')
r = run(rb, "--journal", jr)
o = out(r)
check(r.returncode == 0, f"a per-item step over hosts.web runs ({r.returncode}, {o[-400:]!r})")
ends = [x for x in journal(jr) if x.get("rec") == "step_end" and x.get("instance")]
check(sorted(x["instance"] for x in ends) == sorted(f"Upgrade {h}" for h in WEB) and all(x["status"] == "ok" for x in ends),
      f"one instance per host, each ended ok in the journal ({[x.get('instance') for x in ends]})")
start = {h: int(open(f"{marks}/start_{h}").read()) for h in WEB}
end = {h: int(open(f"{marks}/end_{h}").read()) for h in WEB}
batches = [WEB[i:i + 3] for i in range(0, len(WEB), 3)]
overlap = all(max(start[h] for h in b) < min(end[h] for h in b) for b in batches if len(b) > 1)
ordered = all(max(end[h] for h in batches[i]) <= min(start[h] for h in batches[i + 1]) for i in range(len(batches) - 1))
check(overlap, "the instances of a batch run at the same time (each starts before any of its batch ends)")
check(ordered, "a batch starts when the one before it has ended")
inst_lines = [l for l in o.splitlines() if "expect trim" in l]
check(inst_lines and all(l.startswith("[Upgrade h") for l in inst_lines) and all(f"ok Upgrade {h} (" in o for h in WEB),
      "each instance's start and end are shown, and every other line of an instance names it")

# --- a host fails mid-batch, max_fail 0: the rest does not start, ended instances roll back in
# reverse order of their end, then the earlier step
bad = WEB[1]
rbfile = os.path.join(TMP, "rb0")
jr = os.path.join(TMP, "j2.jsonl")
rb = write("fail0.rb", f'''runbook "fail0"
hosts web
step "Before" {{
  sh("true")
}} rollback {{
  sh("echo before >> {rbfile}")
}}
step "Upgrade {{n.name}}" for n in hosts.web serial 2 {{
  sh("sleep 0.3; test $RBK_FIXTURE_HOST != {bad}", on: n)
}} rollback {{
  sh("echo $RBK_FIXTURE_HOST >> {rbfile}", on: n)
}}
''')
r = run(rb, "--journal", jr)
o = out(r)
recs = journal(jr)
started = [x["instance"] for x in recs if x.get("rec") == "step_start" and x.get("instance")]
ended = [x["instance"] for x in recs if x.get("rec") == "step_end" and x.get("instance") and x.get("status") in ("ok", "failed")]
check(r.returncode == 1, f"a failed instance with max_fail 0 fails the run ({r.returncode})")
check(started == [f"Upgrade {h}" for h in WEB[:2]], f"no instance starts after the failing batch ({started})")
order = [l for l in lines(rbfile)]
expect = [e.split()[-1] for e in reversed(ended)] + ["before"]
check(order == expect, f"rollback: this step's instances in reverse order of their end, then the earlier step ({order} vs {expect})")
check(f"more than max_fail 0 allows" in o and f"Upgrade {bad}" in o, "the failure names the failed instance and the budget")

# --- max_fail 1: the step is ok, only the failed instance is rolled back
rbfile = os.path.join(TMP, "rb1")
rb = write("fail1.rb", f'''runbook "fail1"
hosts web
step "Upgrade {{n.name}}" for n in hosts.web serial 2 max_fail 1 {{
  sh("test $RBK_FIXTURE_HOST != {bad}", on: n)
}} rollback {{
  sh("echo $RBK_FIXTURE_HOST >> {rbfile}", on: n)
}}
''')
r = run(rb)
o = out(r)
check(r.returncode == 0, f"one failure within max_fail 1: the run goes on ({r.returncode}, {o[-300:]!r})")
check(lines(rbfile) == [bad], f"the failed instance alone is rolled back ({lines(rbfile)})")
check("within max_fail 1" in o, "the tolerated failure is said")

# --- max_fail as a percentage, serial as a percentage
r = run(write("pct.rb", f'''runbook "pct"
hosts web
step "Check {{n.name}}" for n in hosts.web serial 50% max_fail 50% {{
  sh("test $RBK_FIXTURE_HOST != {bad}", on: n, read_only: true)
}}
'''))
o = out(r)
b = (len(WEB) * 50 + 99) // 100
check(r.returncode == 0 and f"{b} at a time, {len(WEB) * 50 // 100} failure" in o, f"serial 50% and max_fail 50% of {len(WEB)} items ({o[:300]!r})")

# --- SIGKILL mid-batch: nothing left running remotely; resume skips what ended, reruns the cut
marks = os.path.join(TMP, "m3")
os.mkdir(marks)
jr = os.path.join(TMP, "j3.jsonl")
rb = write("kill.rb", f'''runbook "killed"
hosts web
step "Work {{n.name}}" for n in hosts.web serial 2 {{
  sh("echo x >> {marks}/$RBK_FIXTURE_HOST; if [ $RBK_FIXTURE_HOST = {WEB[2]} -o $RBK_FIXTURE_HOST = {WEB[3]} ] && [ ! -e {marks}/$RBK_FIXTURE_HOST.slept ]; then touch {marks}/$RBK_FIXTURE_HOST.slept; sleep 323; fi", on: n)
}} rollback {{
  sh("true", on: n)
}}
''')
running, _, _ = interrupt_when([RUNBOOK, "run", rb, "--inventory", INV, "--journal", jr], lambda: remote_procs("sleep 323"), 2,
                                signal.SIGKILL)
left = wait_gone("sleep 323")
check(running >= 2, f"the second batch ran remotely ({running})")
check(not left, f"SIGKILL of the run leaves no remote process ({left})")
r = subprocess.run([RUNBOOK, "resume", jr, "--inventory", INV, "--unknown", "rerun"], capture_output=True, timeout=120,
                   env=dict(os.environ, NO_COLOR="1"), input=b"")
o = out(r)
check("was cut off after it began" in o, f"resume names the cut instances and their writes ({o[:400]!r})")
check(r.returncode == 0, f"resume --unknown rerun completes the step ({r.returncode}, {o[-300:]!r})")
counts = {h: len(lines(f"{marks}/{h}")) for h in WEB}
check(counts[WEB[0]] == 1 and counts[WEB[1]] == 1, f"instances that ended are not run again ({counts})")
check(counts[WEB[2]] == 2 and counts[WEB[3]] == 2, f"the cut instances run again from their start ({counts})")
check(all(counts[h] == 1 for h in WEB[4:]), f"the instances not started run once ({counts})")

# --- SIGINT mid-batch: exit 4, nothing left remotely
rb = write("int.rb", '''runbook "interrupted"
hosts web
step "Wait {n.name}" for n in hosts.web serial 3 {
  sh("sleep 324", on: n)
} rollback {
  sh("true", on: n)
}
''')
running, code, o = interrupt_when([RUNBOOK, "run", rb, "--inventory", INV, "--on-failure", "stop"], lambda: remote_procs("sleep 324"),
                                   3, signal.SIGINT)
left = wait_gone("sleep 324")
check(running >= 3, f"a batch of 3 ran remotely ({running})")
check(code == 4, f"SIGINT mid-batch: exit 4 ({code}, {o.decode()[-300:]!r})")
check(not left, f"SIGINT mid-batch leaves no remote process ({left})")

# --- the dry run: writes shown per instance, nothing done; secrets masked in remote output
flag = os.path.join(TMP, "dry-flag")
rb = write("dry.rb", f'''runbook "dry"
hosts web
env TOKEN secret
step "Touch {{n.name}}" for n in hosts.web serial 2 {{
  let seen = sh("echo token={{env.TOKEN}}", on: n, read_only: true)
  log(seen.stdout)
  sh("touch {flag}", on: n)
}} rollback {{
  sh("rm -f {flag}", on: n)
}}
''')
r = run(rb, "--dry-run", "--verbose", env={"TOKEN": "s3cr3t-peritem"})
o = out(r)
check(r.returncode == 0 and not os.path.exists(flag), f"--dry-run does not write ({r.returncode}, {o[-300:]!r})")
check(all(f"[Touch {h}]" in o and "would sh" in o for h in WEB), "--dry-run shows each instance's write")
check("s3cr3t-peritem" not in o and "token=***" in o, "a secret in an instance's remote output is masked")

# --- --only one instance
rb = write("only.rb", f'''runbook "only"
hosts web
step "Ping {{n.name}}" for n in hosts.web serial 2 {{
  sh("true", on: n, read_only: true)
}}
''')
r = run(rb, "--only", f"Ping {WEB[2]}")
o = out(r)
check(r.returncode == 0 and f"ok Ping {WEB[2]}" in o and o.count("not selected by --only") == len(WEB) - 1,
      f"--only runs one instance ({o[-300:]!r})")
r = run(rb, "--only", "Ping nosuch")
check(r.returncode == 1 and "has no instance of that name" in out(r), "--only naming no instance fails, listing the instances")

# --- a call on several hosts that completed before a SIGKILL later in its step is replayed at
# the resume (its hosts' effects are not run again; the step gets the call's result)
marks = os.path.join(TMP, "m4")
os.mkdir(marks)
jr = os.path.join(TMP, "j4.jsonl")
rb = write("replay.rb", f'''runbook "replay"
hosts web
step "s" {{
  let rs = sh("echo x >> {marks}/$RBK_FIXTURE_HOST; echo $RBK_FIXTURE_HOST", on: [hosts.web[0], hosts.web[1]])
  sh("if [ ! -e {marks}/slept ]; then touch {marks}/slept; sleep 325; fi", on: hosts.web[2])
  log("replayed {{rs[0].host}} {{trim(rs[0].stdout)}} {{rs[1].host}} {{trim(rs[1].stdout)}}")
}} rollback {{ log("undo") }}
''')
interrupt_when([RUNBOOK, "run", rb, "--inventory", INV, "--journal", jr], lambda: remote_procs("sleep 325"), 1, signal.SIGKILL)
wait_gone("sleep 325")
r = subprocess.run([RUNBOOK, "resume", jr, "--inventory", INV, "--unknown", "rerun"], capture_output=True, timeout=120,
                   env=dict(os.environ, NO_COLOR="1"), input=b"")
o = out(r)
h0, h1 = WEB[0], WEB[1]
check(r.returncode == 0 and f"replayed {h0} {h0} {h1} {h1}" in o,
      f"resume replays a completed call on several hosts and the step gets its result ({r.returncode}, {o[-500:]!r})")
check(len(lines(f"{marks}/{h0}")) == 1 and len(lines(f"{marks}/{h1}")) == 1, "the replayed call did not run again on its hosts")

# --- local commands of instances in processes of their own: SIGKILL of the run leaves none
def local_procs(marker):
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if marker.encode() in open(f"/proc/{pid}/cmdline", "rb").read():
                    found.append(int(pid))
            except OSError:
                pass
    return found


rb = write("local.rb", '''runbook "local"
step "Sleep {n}" for n in [1, 2, 3] serial 3 {
  sh("sleep 326")
} rollback {
  sh("true")
}
''')
running, _, _ = interrupt_when([RUNBOOK, "run", rb], lambda: local_procs("sleep 326"), 3, signal.SIGKILL)
left = local_procs("sleep 326")
for _ in range(100):
    if not left:
        break
    time.sleep(0.1)
    left = local_procs("sleep 326")
check(running >= 3, f"three instances ran their local commands at once ({running})")
check(not left, f"SIGKILL of the run leaves no local command of its instances ({left})")
for pid in left:
    os.kill(pid, signal.SIGKILL)

finish()
