#!/usr/bin/env python3
"""tests/state/state_test.py — the run store (docs/state.md), end to end with real processes,
against both stores: a directory, and PostgreSQL (a database made for each case on the cluster
of --services-env; an operator role with the privileges docs/state.md lists).
Cases: `runbook runs` (text and JSON) and `runbook show`; `show --follow` from a second process
while the run goes on; two runs racing for one lock (exactly one wins, the other exits before
step 1 naming the holder), also for a lock the runbook declares (`lock "orders-db"`, its .rb and
its .rbc racing); SIGKILL of the lock holder, then a second run gets the lock; `resume
RUN` from the store after a SIGKILL (and refused while the run is live); PostgreSQL: an operator
role cannot create the schema, nor insert a run in another's name; a schema of version 1 is
migrated, a newer one refused; a journal record that cannot be committed (the run's session
terminated) stops the run before its next step; a URL's password is never printed; approvals (approve(by: 2)): refused before step 1 without a PostgreSQL store, the
operator cannot approve their own run nor insert an approval in another's name, two approvers let
the run go on, a rejection stops it, a request not approved in time stops it; the demo's flow on
examples/team_cutover.rb (a second operator refused by its lock, an approval by a second role from
a second process); a long wait, a 2-hour watch (killed at its first round) and an approval request
keep their deadline across a resume (an approval given before or while the run was down counts for
the resumed run: the same request; so does a rejection given while it was down); `run --detach`:
the run outlives SIGHUP to its launching session and is followed to its end by `show --follow`
(which exits with its verdict), `kill -TERM` stops it, everything before step 1 is refused in the
foreground, and Ctrl-C at the launcher before step 1 stops it.
No wall-clock bound is asserted: conditions are waited for, with a generous hang guard.

usage: state_test.py --runbook PATH [--services-env FILE] [-k NAME]
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

RUNBOOK = None
SERVICES = {}
FAILS = []
GUARD = 60  # seconds: a hang guard, never an expectation

RB = '''runbook "State test"
param dir: string
step "One" {
  sh("echo one >> {dir}/marks")
}
step "Two" {
  sh("echo two-start >> {dir}/marks; while [ -e {dir}/slow ]; do sleep 0.05; done; echo two-end >> {dir}/marks")
}
step "Three" {
  sh("echo three >> {dir}/marks")
}
'''


def env():
    e = dict(os.environ)
    e["NO_COLOR"] = "1"
    e.pop("RUNBOOK_STATE", None)
    return e


def sanitizer(*streams):
    for s in streams:
        if "AddressSanitizer" in s or "runtime error:" in s or "LeakSanitizer" in s:
            raise AssertionError("sanitizer report:\n" + s)


def rb(args, cwd, timeout=GUARD * 2):
    p = subprocess.run([RUNBOOK] + args, cwd=cwd, env=env(), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       errors="replace", timeout=timeout)
    sanitizer(p.stdout, p.stderr)
    return p


def start(args, cwd, out):
    f = open(out, "w")
    return subprocess.Popen([RUNBOOK] + args, cwd=cwd, env=env(), stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT,
                            start_new_session=True)


def wait_until(cond, what):
    end = time.monotonic() + GUARD
    while time.monotonic() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError(f"hang guard: still waiting for {what} after {GUARD}s")


def check(cond, msg, *outputs):
    if not cond:
        raise AssertionError(msg + "".join(f"\n--- output ---\n{o}" for o in outputs))


def marks(d):
    p = os.path.join(d, "marks")
    return open(p).read().split() if os.path.exists(p) else []


def runs(d, store):
    p = rb(["runs", "--state", store, "--format", "json"], d)
    check(p.returncode == 0, f"runs exits {p.returncode}", p.stderr)
    return [json.loads(l) for l in p.stdout.splitlines()]


def run_args(d, store, *extra):
    return ["run", "s.rb", "--param", f"dir={d}", "--default-timeout", "10m", "--state", store] + list(extra)


def setup(d):
    with open(os.path.join(d, "s.rb"), "w") as f:
        f.write(RB)


def read(path):
    return open(path, errors="replace").read()


def live_run(d, store, out):
    return wait_until(lambda: next((r for r in runs(d, store) if r["live"]), None),
                      "a live run in `runbook runs`: " + (read(out) if os.path.exists(out) else ""))


# ---------------------------------------------------------------- cases (d: a directory; store: DIR or URL)
def case_runs_and_show(d, store):
    setup(d)
    p = rb(run_args(d, store), d)
    check(p.returncode == 0, f"run exits {p.returncode}", p.stdout, p.stderr)
    rid = p.stderr.split("run: ", 1)[1].split()[0]
    text = rb(["runs", "--state", store], d)
    check(text.returncode == 0 and text.stdout.startswith("RUN "), "runs: no header", text.stdout, text.stderr)
    row = [l for l in text.stdout.splitlines() if l.startswith(rid)]
    check(len(row) == 1 and "ended: GO (exit 0)" in row[0] and "State test" in row[0], f"runs: no row for {rid}", text.stdout)
    j = [r for r in runs(d, store) if r["id"] == rid]
    check(len(j) == 1 and j[0]["ended"] and j[0]["code"] == 0 and not j[0]["live"] and j[0]["title"] == "State test"
          and len(j[0]["artifact"]) == 64 and j[0]["locks"] == "State test", f"runs --format json: {j}")
    s = rb(["show", rid, "--state", store], d)
    recs = [json.loads(l) for l in s.stdout.splitlines()]
    check(s.returncode == 0 and recs[0]["rec"] == "begin" and recs[-1]["rec"] == "run_end" and recs[-1]["code"] == 0,
          "show: not the run's records", s.stdout, s.stderr)
    check(sum(r["rec"] == "step_end" for r in recs) == 3, "show: not three step_end records", s.stdout)
    bad = rb(["show", "20991231-0000-000000", "--state", store], d)
    check(bad.returncode == 64 and "has no run 20991231-0000-000000" in bad.stderr, "show of an unknown run", bad.stderr)


def case_show_follow_from_a_second_process(d, store):
    setup(d)
    open(os.path.join(d, "slow"), "w").close()
    a = start(run_args(d, store), d, os.path.join(d, "a.out"))
    try:
        rid = live_run(d, store, os.path.join(d, "a.out"))["id"]
        f = subprocess.Popen([RUNBOOK, "show", rid, "--follow", "--state", store], cwd=d, env=env(), stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines = []
        seen_two = threading.Event()

        def reader():
            for line in f.stdout:
                lines.append(line)
                r = json.loads(line)
                if r.get("rec") == "step_start" and r.get("step") == 1:
                    seen_two.set()
        t = threading.Thread(target=reader)
        t.start()
        check(seen_two.wait(GUARD), "the follower did not print step Two's start", "".join(lines))
        # live: the run cannot have ended, step Two waits for `slow`
        check(a.poll() is None and not any('"run_end"' in l for l in lines), "the run ended before `slow` was removed")
        os.unlink(os.path.join(d, "slow"))
        check(a.wait(GUARD) == 0, "the run failed", read(os.path.join(d, "a.out")))
        f.wait(GUARD)
        t.join(GUARD)
        err = f.stderr.read()
        sanitizer("".join(lines), err)
        check(f.returncode == 0, f"show --follow exits {f.returncode}", err)
        check(lines and '"run_end"' in lines[-1], "the follower did not end with run_end", "".join(lines))
        whole = rb(["show", rid, "--state", store], d).stdout
        check("".join(lines) == whole, "follow printed other records than show", "".join(lines), whole)
    finally:
        if a.poll() is None:
            os.killpg(a.pid, signal.SIGKILL)
            a.wait()


def case_two_processes_race_for_one_lock(d, store):
    setup(d)
    open(os.path.join(d, "slow"), "w").close()
    ps = [start(run_args(d, store), d, os.path.join(d, f"{i}.out")) for i in range(2)]
    try:
        # the loser exits by itself (refused before step 1); the winner waits in step Two
        loser = wait_until(lambda: next((p for p in ps if p.poll() is not None), None), "one of the two runs to be refused")
        winner = ps[1 - ps.index(loser)]
        lout = read(os.path.join(d, f"{ps.index(loser)}.out"))
        check(loser.returncode == 64, f"the loser exits {loser.returncode}", lout)
        check('the run lock "State test" is held by run ' in lout and "runbook show " in lout and " since " in lout
              and " on " in lout and "pid " in lout, "the refusal does not say who holds the lock", lout)
        check("[1/3]" not in lout, "the loser started a step", lout)
        wait_until(lambda: "two-start" in marks(d), "the winner in step Two")
        check(winner.poll() is None, "the winner is not running")
        holder = [r for r in runs(d, store) if r["live"]]
        check(len(holder) == 1 and f"run {holder[0]['id']} of " in lout, "the refusal names another run", lout, str(holder))
        os.unlink(os.path.join(d, "slow"))
        check(winner.wait(GUARD) == 0, "the winner failed", read(os.path.join(d, f"{ps.index(winner)}.out")))
        check(marks(d).count("one") == 1, f"step One ran {marks(d).count('one')} times", str(marks(d)))
        check(len(runs(d, store)) == 1, "the refused run was registered", str(runs(d, store)))
    finally:
        for p in ps:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


def killed_in_two(d, store):
    """A run killed with SIGKILL inside step Two: its id."""
    open(os.path.join(d, "slow"), "w").close()
    a = start(run_args(d, store), d, os.path.join(d, "a.out"))
    wait_until(lambda: "two-start" in marks(d), "the run in step Two")
    rid = next(r for r in runs(d, store) if r["live"])["id"]
    os.killpg(a.pid, signal.SIGKILL)
    a.wait()
    # the lock of a dead holder: released by the kernel (flock) or with the session (PostgreSQL)
    wait_until(lambda: not any(r["live"] for r in runs(d, store)), "the killed run to be no longer live")
    return rid


def case_sigkill_of_the_holder_then_a_second_run_gets_the_lock(d, store):
    setup(d)
    rid = killed_in_two(d, store)
    st = [r for r in runs(d, store) if r["id"] == rid][0]
    check(st["status"] == "interrupted" and not st["ended"], f"the killed run's status: {st}")
    os.unlink(os.path.join(d, "slow"))
    p = rb(run_args(d, store), d)
    check(p.returncode == 0 and "is held" not in p.stderr, f"the second run exits {p.returncode}", p.stdout, p.stderr)


def case_resume_run_from_the_store_after_sigkill(d, store):
    setup(d)
    rid = killed_in_two(d, store)
    os.unlink(os.path.join(d, "slow"))
    wait_until(lambda: "two-end" in marks(d), "the orphaned command of step Two to end")
    # from another directory, as from another machine: the store names the run
    other = os.path.join(d, "elsewhere")
    os.mkdir(other)
    p = rb(["resume", rid, "--unknown", "rerun", "--state", store], other)
    check(p.returncode == 0, f"resume exits {p.returncode}", p.stdout, p.stderr)
    m = marks(d)
    # step Two's command outlived the runner (its own process group: journal.md) and ended when `slow` went
    check(m.count("one") == 1 and m.count("two-start") == 2 and m.count("two-end") == 2 and m.count("three") == 1,
          f"the effects after resume: {m}", p.stderr)
    check("was cut off" in p.stderr and "unknown" in p.stderr, "resume did not list the cut-off effect", p.stderr)
    # the resume's process has exited; a PostgreSQL store sees its session (the liveness) end a moment later
    st = wait_until(lambda: next((r for r in runs(d, store) if r["id"] == rid and not r["live"]), None),
                    "the resumed run to be no longer live")
    check(st["ended"] and st["code"] == 0 and st["status"] == "ended: GO", f"the resumed run's status: {st}")
    recs = [json.loads(l) for l in rb(["show", rid, "--state", store], d).stdout.splitlines()]
    check([r["rec"] for r in recs].count("resume") == 1 and recs[-1]["rec"] == "run_end", "the journal after resume")
    again = rb(["resume", rid, "--state", store], other)
    check(again.returncode == 0 and "nothing to resume" in again.stderr, "a second resume", again.stderr)


def case_resume_refused_while_the_run_is_live(d, store):
    setup(d)
    open(os.path.join(d, "slow"), "w").close()
    a = start(run_args(d, store), d, os.path.join(d, "a.out"))
    try:
        wait_until(lambda: "two-start" in marks(d), "the run in step Two")
        rid = next(r for r in runs(d, store) if r["live"])["id"]
        p = rb(["resume", rid, "--unknown", "rerun", "--state", store], d)
        check(p.returncode == 64 and "in use" in p.stderr, f"resume of a live run exits {p.returncode}", p.stderr)
        os.unlink(os.path.join(d, "slow"))
        check(a.wait(GUARD) == 0, "the run failed", read(os.path.join(d, "a.out")))
        check(marks(d).count("two-start") == 1, "the refused resume ran something", str(marks(d)))
    finally:
        if a.poll() is None:
            os.killpg(a.pid, signal.SIGKILL)
            a.wait()


def case_declared_lock_race_source_and_compiled(d, store):
    """`lock "orders-db"` in the runbook: taken as --lock NAME is (not the title), by the .rb and by
    its compiled .rbc alike; two runs race, one is refused before step 1 naming the holder; a
    --lock given too is taken with it (the union)."""
    with open(os.path.join(d, "s.rb"), "w") as f:
        f.write(RB.replace('runbook "State test"\n', 'runbook "State test"\nlock "orders-db"\n', 1))
    p = rb(["compile", "s.rb", "-o", "s.rbc"], d)
    check(p.returncode == 0, "compile", p.stderr)
    open(os.path.join(d, "slow"), "w").close()
    args = [run_args(d, store), [a if a != "s.rb" else "s.rbc" for a in run_args(d, store)]]
    ps = [start(args[i], d, os.path.join(d, f"{i}.out")) for i in range(2)]
    try:
        loser = wait_until(lambda: next((p for p in ps if p.poll() is not None), None), "one of the two runs to be refused")
        winner = ps[1 - ps.index(loser)]
        lout = read(os.path.join(d, f"{ps.index(loser)}.out"))
        check(loser.returncode == 64, f"the loser exits {loser.returncode}", lout)
        check("[1/3]" not in lout, "the loser started a step", lout)
        wait_until(lambda: "two-start" in marks(d), "the winner in step Two")
        holder = [r for r in runs(d, store) if r["live"]]
        check(len(holder) == 1 and holder[0]["locks"] == "orders-db", "the winner's locks", str(holder))
        check(f'the run lock "orders-db" is held by run {holder[0]["id"]} of ' in lout, "the refusal names the holder", lout)
        # the union: --lock payments and the declared orders-db, refused on the one held
        p = rb(run_args(d, store, "--lock", "payments"), d)
        check(p.returncode == 64 and 'the run lock "orders-db" is held by run ' in p.stderr, "--lock with a declared lock", p.stderr)
        os.unlink(os.path.join(d, "slow"))
        check(winner.wait(GUARD) == 0, "the winner failed", read(os.path.join(d, f"{ps.index(winner)}.out")))
        p = rb(run_args(d, store, "--lock", "payments", "--lock", "orders-db"), d)
        check(p.returncode == 0, "run with --lock and a declared lock", p.stderr)
        check(runs(d, store)[0]["locks"] == "payments,orders-db", f"the run's locks: {runs(d, store)[0]}")
        check(marks(d).count("one") == 2, f"step One ran {marks(d).count('one')} times", str(marks(d)))
    finally:
        for p in ps:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


def case_lock_option_and_refusals(d, store):
    setup(d)
    p = rb(["run", "s.rb", "--param", f"dir={d}", "--lock", "orders-db"], d)
    check(p.returncode == 64 and "--state" in p.stderr, "--lock without a store", p.stderr)
    p = rb(run_args(d, store, "--journal", "j.jsonl"), d)
    check(p.returncode == 64 and "--journal and --state" in p.stderr and not os.path.exists(os.path.join(d, "j.jsonl")),
          "--journal with --state", p.stderr)
    p = rb(run_args(d, store, "--lock", "orders-db", "--lock", "payments"), d)
    check(p.returncode == 0, "run with two locks", p.stderr)
    check(runs(d, store)[0]["locks"] == "orders-db,payments", f"the run's locks: {runs(d, store)[0]}")
    # refused by its preflight: registered, never begun, nothing to resume
    p = rb(["run", "s.rb", "--state", store], d)
    check(p.returncode == 64 and "not started" in p.stderr, "a run without its parameter", p.stderr)
    r = runs(d, store)[0]
    check(r["status"] == "not started" and not r["begun"] and not r["live"], f"a run refused by its preflight: {r}")


# ---------------------------------------------------------------- run --detach
DETACHED_RB = RB.replace('sh("echo three >> {dir}/marks")', 'sh("echo three >> {dir}/marks; test ! -e {dir}/fail")')


def detach_env(d):
    e = env()
    e["XDG_STATE_HOME"] = os.path.join(d, "xdg")  # the output of a run detached with a PostgreSQL store
    return e


def output_file(d, store, rid):
    if store.startswith("postgresql://"):
        return os.path.join(d, "xdg", "runbook", "detached", rid + ".log")
    return os.path.join(store, "runs", rid, "output.log")


def launch_detached(d, store, out, *extra):
    """`runbook run --detach` from a shell in a session and process group of its own, which stays
    (as the operator's login shell would): (the shell, the launcher's exit code and output)."""
    with open(os.path.join(d, "s.rb"), "w") as f:
        f.write(DETACHED_RB)
    cmd = " ".join(f"'{a}'" for a in [RUNBOOK] + run_args(d, store, "--detach", *extra))
    sh = subprocess.Popen(["sh", "-c", f"{cmd}; echo launcher-rc=$?; while :; do sleep 1; done"], cwd=d, env=detach_env(d),
                          stdin=subprocess.DEVNULL, stdout=open(out, "w"), stderr=subprocess.STDOUT, start_new_session=True)
    text = wait_until(lambda: "launcher-rc=" in read(out) and read(out), "the launcher to exit: " + read(out))
    return sh, int(text.split("launcher-rc=", 1)[1].split()[0]), text.split("launcher-rc=", 1)[0]


def case_detach_outlives_the_launching_session(d, store):
    """--detach: the launcher exits 0 once the run began, saying how to follow it; SIGHUP to the
    launching process group (its shell dies, as when the SSH session goes) does not reach the
    run, which completes; `show --follow` from a second process sees it to its end and exits
    with its verdict; its output is in the store's run directory (PostgreSQL: the per-user one)."""
    open(os.path.join(d, "slow"), "w").close()
    open(os.path.join(d, "fail"), "w").close()  # step Three fails: the verdict is 1, not a stop by a signal (4)
    out = os.path.join(d, "launch.out")
    sh, rc, said = launch_detached(d, store, out)
    try:
        check(rc == 0, f"the launcher exits {rc}", said)
        rid = said.split("run: ", 1)[1].split()[0]
        where = os.path.abspath(store) if not store.startswith("postgresql://") else store
        check(f"run: {rid} detached: pid " in said and f"runbook show {rid} --follow --state {where}\n" in said
              and "kill -TERM " in said, "the launcher does not say how to follow and stop the run", said)
        check("[1/3]" not in said and "One" not in said, "the run's output went to the launcher's terminal", said)
        wait_until(lambda: "two-start" in marks(d), "the detached run in step Two")
        r = next(r for r in runs(d, store) if r["id"] == rid)
        pid = int(said.split(" detached: pid ", 1)[1].split()[0])
        check(r["live"] and r["pid"] == pid, f"the run's process is not the one recorded: {r}", said)
        check(os.getsid(pid) != sh.pid and os.getpgid(pid) != sh.pid, "the run's process is in the launching session")
        os.killpg(sh.pid, signal.SIGHUP)
        check(sh.wait(GUARD) == -signal.SIGHUP, f"the launching shell survived SIGHUP ({sh.returncode})")
        f = subprocess.Popen([RUNBOOK, "show", rid, "--follow", "--state", store], cwd=d, env=env(), stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        os.unlink(os.path.join(d, "slow"))
        fout, ferr = f.communicate(timeout=GUARD)
        sanitizer(fout, ferr)
        recs = [json.loads(l) for l in fout.splitlines()]
        check(f.returncode == 1, f"show --follow exits {f.returncode}, not the run's 1", ferr, fout)
        check(recs and recs[0]["rec"] == "begin" and recs[-1]["rec"] == "run_end" and recs[-1]["code"] == 1,
              "the follower did not see the run from its begin to its end", fout)
        check("ended: failed, rolled back" in ferr, "the follower does not say the run's verdict", ferr)
        check(marks(d) == ["one", "two-start", "two-end", "three"], f"the detached run's effects: {marks(d)}")
        r = next(r for r in runs(d, store) if r["id"] == rid)
        check(r["ended"] and r["code"] == 1 and not r["live"], f"the run's status: {r}")
        log = read(output_file(d, store, rid))
        sanitizer(log)
        check("[2/3] ok Two" in log and "exit 1" in log and "NO-GO" in log, "the run's output file", log)
    finally:
        if sh.poll() is None:
            os.killpg(sh.pid, signal.SIGKILL)
            sh.wait()


def case_detach_stopped_with_kill_term(d, store):
    """The way the launcher says to stop a detached run: `kill -TERM PID` stops it as Ctrl-C does
    without a terminal (exit 4, recorded); a follower exits 4; `resume --detach` continues it."""
    open(os.path.join(d, "slow"), "w").close()
    sh, rc, said = launch_detached(d, store, os.path.join(d, "launch.out"))
    try:
        check(rc == 0, f"the launcher exits {rc}", said)
        rid = said.split("run: ", 1)[1].split()[0]
        wait_until(lambda: "two-start" in marks(d), "the detached run in step Two")
        f = subprocess.Popen([RUNBOOK, "show", rid, "--follow", "--state", store], cwd=d, env=env(), stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        os.kill(int(said.split("kill -TERM ", 1)[1].split()[0]), signal.SIGTERM)
        fout, ferr = f.communicate(timeout=GUARD)
        check(f.returncode == 4 and "ended: interrupted" in ferr, f"show --follow of a stopped run exits {f.returncode}", ferr)
        r = next(r for r in runs(d, store) if r["id"] == rid)
        check(r["ended"] and r["code"] == 4, f"the stopped run's status: {r}")
        os.unlink(os.path.join(d, "slow"))
        # resumed detached too: refused in the foreground without the answer it needs, then followed to its end
        p = rb(["resume", rid, "--state", store, "--detach"], d)
        check(p.returncode == 64 and "--unknown" in p.stderr and " detached" not in p.stderr,
              f"resume --detach without --unknown exits {p.returncode}", p.stderr)
        p = rb(["resume", rid, "--unknown", "rerun", "--state", store, "--detach"], d)
        check(p.returncode == 0 and f"run: {rid} detached: pid " in p.stderr, f"resume --detach exits {p.returncode}", p.stderr)
        f = rb(["show", rid, "--follow", "--state", store], d)
        check(f.returncode == 0 and marks(d)[-1] == "three", f"show --follow of the resumed run exits {f.returncode}", f.stderr,
              str(marks(d)))
        p = rb(["resume", os.path.join(d, "nothing.jsonl"), "--detach"], d)
        check(p.returncode == 64 and "--detach resumes a run of a run store" in p.stderr, "resume --detach of a journal file", p.stderr)
    finally:
        os.killpg(sh.pid, signal.SIGKILL)
        sh.wait()


def case_detach_refusals_in_the_foreground(d, store):
    """Everything before step 1 is the launcher's: a refusal exits as without --detach, and no
    process is left behind."""
    setup(d)
    p = rb(["run", "s.rb", "--param", f"dir={d}", "--detach"], d)
    check(p.returncode == 64 and "--detach needs a run store" in p.stderr, "--detach without a store", p.stderr)
    p = rb(["run", "s.rb", "--param", f"dir={d}", "--detach", "--journal", "j.jsonl"], d)
    check(p.returncode == 64 and not os.path.exists(os.path.join(d, "j.jsonl")), "--detach with --journal", p.stderr)
    with open(os.path.join(d, "bad.rb"), "w") as f:
        f.write('runbook "Bad"\nstep "a" { nope( }\n')
    p = rb(["run", "bad.rb", "--detach", "--state", store], d)
    check(p.returncode == 65 and "bad.rb:2" in p.stderr, f"a compile error with --detach exits {p.returncode}", p.stderr)
    with open(os.path.join(d, "c.rb"), "w") as f:
        f.write('runbook "Gate"\nparam dir: string\nstep "One" {\n  confirm("Go?", name: "go")\n  sh("echo one >> {dir}/marks")\n}\n')
    # a gate nobody could answer: refused before step 1 (it would wait for a terminal it has not)
    p = rb(["run", "c.rb", "--param", f"dir={d}", "--detach", "--state", store], d)
    check(p.returncode == 64 and "confirm at c.rb:4 needs an operator" in p.stderr and "--detach: the run has no terminal" in p.stderr,
          f"a confirm without an answer exits {p.returncode}", p.stderr)
    r = runs(d, store)[0]
    check(r["status"] == "not started" and not r["live"], f"the refused detached run: {r}")
    # answered: it detaches, and its process, not the launcher's, ends it
    p = rb(["run", "c.rb", "--param", f"dir={d}", "--detach", "--state", store, "--answer", "go=yes"], d)
    check(p.returncode == 0 and " detached: pid " in p.stderr, f"an answered confirm with --detach exits {p.returncode}", p.stderr)
    rid = p.stderr.split("run: ", 1)[1].split()[0]
    f = rb(["show", rid, "--follow", "--state", store], d)
    check(f.returncode == 0 and marks(d) == ["one"], f"the answered detached run: show --follow exits {f.returncode}", f.stderr)


def case_detach_interrupted_before_step_1(d, store):
    """Ctrl-C at the launcher while the run's process is still before step 1 (its preflight waits
    for a host that never answers: an ssh ProxyCommand that says nothing) reaches that process,
    in its own session, through the launcher: refused before step 1, nothing runs, nothing is
    left running; and the launcher exits with the run process's code."""
    with open(os.path.join(d, "h.rb"), "w") as f:
        f.write('runbook "Hosts"\nparam dir: string\nhosts web\nstep "One" {\n  sh("echo one >> {dir}/marks")\n}\n')
    with open(os.path.join(d, "inv.ini"), "w") as f:
        f.write("[web]\nweb1 ansible_host=127.0.0.1\n")
    with open(os.path.join(d, "ssh.cfg"), "w") as f:
        # never answers (its stdout stays open, nothing written); killed at the end through its pid:
        # an ssh master interrupted while connecting is left behind by runbook (with or without --detach)
        f.write(f"Host *\n  ProxyCommand sh -c 'echo $$ > {d}/proxy.pid; exec 3>&1 cat > /dev/null'\n")
    out = os.path.join(d, "launch.out")
    p = start(["run", "h.rb", "--param", f"dir={d}", "-i", "inv.ini", "--ssh-config", "ssh.cfg", "--state", store, "--detach"], d, out)
    try:
        rid = wait_until(lambda: "run: " in read(out) and read(out).split("run: ", 1)[1].split()[0], "the run's id: " + read(out))
        wait_until(lambda: any(r["id"] == rid and r["live"] for r in runs(d, store)), "the run's process before step 1")
        p.send_signal(signal.SIGINT)  # the launcher alone: the run's process is in another session
        check(p.wait(GUARD) == 64, f"the interrupted launcher exits {p.returncode}", read(out))
        check("interrupted" in read(out) and " detached" not in read(out), "the launcher's output", read(out))
        wait_until(lambda: not any(r["live"] for r in runs(d, store)), "the run's process to end")
        r = next(r for r in runs(d, store) if r["id"] == rid)
        check(r["status"] == "not started" and marks(d) == [], f"the interrupted run: {r}", str(marks(d)))
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
        try:
            os.kill(int(read(os.path.join(d, "proxy.pid"))), signal.SIGKILL)  # its ssh then ends too
        except (OSError, ValueError):
            pass


# ---------------------------------------------------------------- PostgreSQL only
def psql(url, sql):
    return subprocess.run([os.path.join(SERVICES["RBK_PG_BIN"], "psql"), "-X", "-v", "ON_ERROR_STOP=1", "-qAt", url, "-c", sql],
                          capture_output=True, text=True, timeout=GUARD)


def pg_case_roles(d, base_url, admin_url):
    """An operator role with the privileges of docs/state.md runs, locks, lists; it cannot
    create the schema, nor write a run in another's name."""
    setup(d)
    db = base_url.rsplit("/", 1)[1]
    op_url = base_url.replace("postgres@", "rbk_state_op@")
    p = rb(["runs", "--state", op_url], d)
    check(p.returncode == 64 and "its owner creates it once" in p.stderr, "an operator on a database without the schema", p.stderr)
    check(rb(["runs", "--state", base_url], d).returncode == 0, "the owner creates the schema")
    v = psql(base_url, "SELECT version FROM runbook.schema_version")
    check(v.stdout.strip() == "3", f"schema version {v.stdout!r} (cli/state.h: RBK_STATE_SCHEMA_VERSION 3)", v.stderr)
    # a store of version 1 (before approvals) is migrated to 2; a newer one is refused
    down = psql(base_url, "DROP TABLE runbook.approvals, runbook.approval_requests; DROP FUNCTION runbook.approval_check(); "
                          "UPDATE runbook.schema_version SET version = 1")
    check(down.returncode == 0, "back to version 1", down.stderr)
    check(rb(["runs", "--state", base_url], d).returncode == 0, "the migration from version 1")
    v = psql(base_url, "SELECT version, to_regclass('runbook.approvals') IS NOT NULL FROM runbook.schema_version")
    check(v.stdout.strip() == "3|t", f"after the migration: {v.stdout!r}", v.stderr)
    psql(base_url, "UPDATE runbook.schema_version SET version = 4")
    p = rb(["runs", "--state", base_url], d)
    check(p.returncode == 64 and "newer than this runbook's (3)" in p.stderr, "a newer schema", p.stderr)
    psql(base_url, "UPDATE runbook.schema_version SET version = 3")
    g = psql(base_url, GRANTS.replace("runbook_operator", "rbk_state_op"))
    check(g.returncode == 0, "the grants of docs/state.md", g.stderr)
    p = rb(run_args(d, op_url), d)
    check(p.returncode == 0, f"the operator's run exits {p.returncode}", p.stderr)
    r = runs(d, op_url)
    check(len(r) == 1 and r[0]["operator"] == "rbk_state_op", f"the run's operator is the session user: {r}")
    ins = psql(op_url, "INSERT INTO runbook.runs (id, operator) VALUES ('x-1', 'postgres')")
    check(ins.returncode != 0 and "check" in ins.stderr.lower(), "the operator inserted a run in another's name", ins.stderr)
    ins = psql(op_url, "UPDATE runbook.journal SET line = '{}'")
    check(ins.returncode != 0 and "permission denied" in ins.stderr, "the operator rewrote the journal", ins.stderr)
    del db


def pg_case_journal_write_fails_when_the_session_is_gone(d, base_url, admin_url):
    """The run's session is terminated while step Two runs: the next record cannot be committed,
    so nothing more starts (step Three never runs); the run is then interrupted, and resumes."""
    setup(d)
    db = base_url.rsplit("/", 1)[1]
    open(os.path.join(d, "slow"), "w").close()
    a = start(run_args(d, base_url), d, os.path.join(d, "a.out"))
    try:
        wait_until(lambda: "two-start" in marks(d), "the run in step Two")
        rid = next(r for r in runs(d, base_url) if r["live"])["id"]
        t = psql(admin_url, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            f"WHERE datname = '{db}' AND application_name = 'runbook' AND pid <> pg_backend_pid()")
        check(t.returncode == 0 and t.stdout.strip() == "1", f"terminating the run's session: {t.stdout} {t.stderr}")
        os.unlink(os.path.join(d, "slow"))
        code = a.wait(GUARD)
        out = read(os.path.join(d, "a.out"))
        check(code not in (0, 1) and "could not be written to its store" in out, f"the run exits {code}", out)
        check("three" not in marks(d), "step Three ran after its journal could not be written", str(marks(d)))
        st = [r for r in runs(d, base_url) if r["id"] == rid][0]
        check(st["status"] == "interrupted", f"the run's status: {st}")
        p = rb(["resume", rid, "--unknown", "done", "--state", base_url], d)
        check(p.returncode == 0 and marks(d).count("three") == 1, f"resume exits {p.returncode}", p.stderr, str(marks(d)))
    finally:
        if a.poll() is None:
            os.killpg(a.pid, signal.SIGKILL)
            a.wait()


def pg_case_password_never_printed(d, base_url, admin_url):
    """A URL's password is not in what runbook prints."""
    setup(d)
    pw_url = SERVICES["RBK_PG_PW_URL"]
    user, secret = pw_url.split("//", 1)[1].split("@", 1)[0].split(":", 1)
    url = base_url.replace("postgres@", f"{user}:{secret}@")
    check(rb(["runs", "--state", base_url], d).returncode == 0, "the owner creates the schema")
    g = psql(base_url, GRANTS.replace("runbook_operator", user))
    check(g.returncode == 0, "the grants of docs/state.md", g.stderr)
    open(os.path.join(d, "slow"), "w").close()
    a = start(run_args(d, url), d, os.path.join(d, "a.out"))
    try:
        wait_until(lambda: "two-start" in marks(d), "the run in step Two")
        b = rb(run_args(d, url), d)
        check(b.returncode == 64 and f"{user}:***@" in b.stderr and secret not in b.stderr, "the refusal shows the password", b.stderr)
        os.unlink(os.path.join(d, "slow"))
        check(a.wait(GUARD) == 0, "the run failed", read(os.path.join(d, "a.out")))
        out = read(os.path.join(d, "a.out"))
        check(f"{user}:***@" in out and secret not in out, "the run's output shows the password", out)
    finally:
        if a.poll() is None:
            os.killpg(a.pid, signal.SIGKILL)
            a.wait()


APPROVE_RB = '''runbook "Approval test"
param dir: string
param wait: duration = 10m
step "Gate" {
  approve("Switch writes to {dir}?", by: 2, timeout: wait)
}
step "After" {
  sh("echo after >> {dir}/marks")
}
'''


WAIT_RB = '''runbook "Wait test"
param dir: string
step "Soak" {
  sh("echo soak-start >> {dir}/marks")
  wait(5m)
  sh("echo soak-end >> {dir}/marks")
} rollback {
  sh("echo undo >> {dir}/marks")
}
'''


def case_long_wait_keeps_its_deadline_across_resume(d, store):
    """A run killed inside a wait (5m at --time-scale 60: 5 s), then resumed: the resumed wait ends
    at the deadline the journal recorded, not a whole wait later."""
    with open(os.path.join(d, "w.rb"), "w") as f:
        f.write(WAIT_RB)
    a = start(["run", "w.rb", "--param", f"dir={d}", "--time-scale", "60", "--state", store], d, os.path.join(d, "a.out"))

    def first_wait():
        live = [r for r in runs(d, store) if r["live"]]
        if not live:
            return None
        recs = [json.loads(l) for l in rb(["show", live[0]["id"], "--state", store], d).stdout.splitlines()]
        w = [r for r in recs if r["rec"] == "wait"]
        return (live[0]["id"], w[0]) if w else None
    rid, w1 = wait_until(first_wait, "the run's wait record")
    os.killpg(a.pid, signal.SIGKILL)
    a.wait()
    wait_until(lambda: not any(r["live"] for r in runs(d, store)), "the killed run to be no longer live")
    check(w1["part"] == "body" and w1["seq"] == 1 and w1["remaining_ms"] == 5000 and w1["deadline_ms"] == w1["wall_ms"] + 5000,
          f"the wait record: {w1}")
    p = rb(["resume", rid, "--unknown", "done", "--state", store], d)
    check(p.returncode == 0 and marks(d) == ["soak-start", "soak-end"], f"resume exits {p.returncode}", p.stdout, p.stderr, str(marks(d)))
    recs = [json.loads(l) for l in rb(["show", rid, "--state", store], d).stdout.splitlines()]
    w = [r for r in recs if r["rec"] == "wait"]
    check(len(w) == 2 and w[1]["deadline_ms"] == w1["deadline_ms"] and w[1]["remaining_ms"] < w1["remaining_ms"]
          and "before it was cut off" in w[1]["text"],
          f"the resumed wait: {w}")


WATCH_RB = '''runbook "Watch test"
param dir: string
let rounds = 0
step "Observe" {
  sh("echo observe-start >> {dir}/marks")
  watch 2h every 10m {
    rounds = rounds + 1
    log("watch round {rounds}")
    expect rounds < 1000
  }
  sh("echo observe-end >> {dir}/marks")
}
'''


def show(d, store, rid):
    return [json.loads(l) for l in rb(["show", rid, "--state", store], d).stdout.splitlines()]


def case_long_watch_keeps_its_deadline_across_resume(d, store):
    """A 2-hour `watch` (--time-scale 720: 10 s, a round every 10m: 833 ms) killed at its first
    round ("minute 1"), resumed when half the window has passed: the resumed watch ends at the
    deadline the journal recorded — its wait record keeps it, its step ends at it, not before, and
    it runs no more rounds than what is left allows — not a fresh 2-hour window."""
    with open(os.path.join(d, "w.rb"), "w") as f:
        f.write(WATCH_RB)
    a = start(["run", "w.rb", "--param", f"dir={d}", "--time-scale", "720", "--state", store], d, os.path.join(d, "a.out"))

    def first_round():
        live = [r for r in runs(d, store) if r["live"]]
        if not live:
            return None
        recs = show(d, store, live[0]["id"])
        w = [r for r in recs if r["rec"] == "wait"]
        return (live[0]["id"], w[0]) if w and any(r["rec"] == "log" for r in recs) else None
    rid, w1 = wait_until(first_round, "the watch's first round")
    os.killpg(a.pid, signal.SIGKILL)
    a.wait()
    wait_until(lambda: not any(r["live"] for r in runs(d, store)), "the killed run to be no longer live")
    window, period = 10000, 600000 // 720  # real ms: 2h and 10m at --time-scale 720
    check(w1["effect"] == "watch" and w1["part"] == "body" and w1["seq"] == 1 and w1["remaining_ms"] == window
          and w1["deadline_ms"] == w1["wall_ms"] + window, f"the watch's wait record: {w1}")
    # the run is down until half the window has passed (a sleep, not a bound)
    time.sleep(max(0.0, (w1["deadline_ms"] - window / 2) / 1000 - time.time()))
    p = rb(["resume", rid, "--unknown", "done", "--state", store], d)
    check(p.returncode == 0 and marks(d) == ["observe-start", "observe-end"], f"resume exits {p.returncode}", p.stdout, p.stderr,
          str(marks(d)))
    recs = show(d, store, rid)
    at = [r["rec"] for r in recs].index("resume")
    w = [r for r in recs if r["rec"] == "wait"]
    check(len(w) == 2 and w[1]["effect"] == "watch" and w[1]["deadline_ms"] == w1["deadline_ms"]
          and w[1]["remaining_ms"] <= w1["deadline_ms"] - recs[at]["wall_ms"] and "before it was cut off" in w[1]["text"],
          f"the resumed watch does not keep the recorded deadline: {w}")
    end = [r for r in recs[at:] if r["rec"] == "step_end" and r["step"] == 0]
    check(len(end) == 1 and end[0]["status"] == "ok" and end[0]["wall_ms"] >= w1["deadline_ms"],
          f"the resumed watch ended before its deadline {w1['deadline_ms']}: {end}")
    rounds = sum(r["rec"] == "log" and r["text"].startswith("watch round") for r in recs[at:])
    most = 1 + -(-w[1]["remaining_ms"] // period)  # at once, then one after each pause of what is left
    check(1 <= rounds <= most, f"the resumed watch ran {rounds} rounds; what is left of the window allows 1 to {most} "
          f"(a fresh 2h window: {1 + window // period})")


def case_approve_needs_a_shared_store(d, store):
    """Without approvals in the store (a directory) a run that calls approve() is refused before step 1."""
    with open(os.path.join(d, "a.rb"), "w") as f:
        f.write(APPROVE_RB)
    if not store.startswith("postgresql://"):
        p = rb(["run", "a.rb", "--param", f"dir={d}", "--state", store], d)
        check(p.returncode == 64 and "approve at a.rb:5 needs a shared run store" in p.stderr and "[1/2]" not in p.stdout,
              f"approve with a directory store exits {p.returncode}", p.stdout, p.stderr)
        a = rb(["approve", "20261206-0000-000000", "--state", store], d)
        check(a.returncode == 64 and "has no approvals" in a.stderr, "runbook approve on a directory store", a.stderr)
    p = rb(["run", "a.rb", "--param", f"dir={d}"], d)
    check(p.returncode == 64 and "needs a shared run store" in p.stderr, "approve without a store", p.stderr)


def approval_setup(d, base_url):
    """a.rb, the schema, and the roles of docs/state.md: the URLs of the operator and two approvers."""
    with open(os.path.join(d, "a.rb"), "w") as f:
        f.write(APPROVE_RB)
    check(rb(["runs", "--state", base_url], d).returncode == 0, "the owner creates the schema")
    g = psql(base_url, GRANTS.replace("runbook_operator", "rbk_state_op") + APPROVER_GRANTS.replace("runbook_approver", "rbk_appr1")
             + APPROVER_GRANTS.replace("runbook_approver", "rbk_appr2")
             # the operator is an approver too (of other runs): the schema still refuses their approval of their own
             + APPROVER_GRANTS.replace("runbook_approver", "rbk_state_op"))
    check(g.returncode == 0, "the grants of docs/state.md", g.stderr)
    return (base_url.replace("postgres@", f"{u}@") for u in ("rbk_state_op", "rbk_appr1", "rbk_appr2"))


def pg_case_approvals(d, base_url, admin_url):
    """approve(by: 2): the operator cannot approve, nor insert an approval in another's name; two
    approvers do; the gate record says who. A request not approved in time stops the run."""
    op, a1, a2 = approval_setup(d, base_url)
    a = start(["run", "a.rb", "--param", f"dir={d}", "--state", op], d, os.path.join(d, "a.out"))
    try:
        w = wait_until(lambda: next((r for r in runs(d, op) if r["status"] == "waiting for approval"), None), "the run to wait for approval")
        rid = w["id"]
        p = rb(["approve", rid, "--state", op], d)
        check(p.returncode == 64 and "cannot approve or reject it" in p.stderr, "the operator approved their own run", p.stderr)
        p = rb(["reject", rid, "--state", op], d)
        check(p.returncode == 64 and "cannot approve or reject it" in p.stderr, "the operator rejected their own run", p.stderr)
        sh = rb(["show", rid, "--state", a1], d)
        check(sh.returncode == 0 and f'run {rid} asks "Switch writes to {d}?" (0 of 2 approvals; until ' in sh.stderr
              and '"rec":"step_start"' in sh.stdout, "what the approver sees with `runbook show`", sh.stdout, sh.stderr)
        ins = psql(op, f"INSERT INTO runbook.approvals (request, approver) SELECT id, 'rbk_appr2' FROM runbook.approval_requests")
        check(ins.returncode != 0 and "check" in ins.stderr.lower(), "the operator inserted an approval in another's name", ins.stderr)
        p = rb(["approve", rid, "--state", a1], d)
        check(p.returncode == 0 and "as rbk_appr1: 1 of 2 approvals" in p.stdout, "the first approval", p.stdout, p.stderr)
        p = rb(["approve", rid, "--state", a1], d)
        check(p.returncode == 64 and "already exists" in p.stderr, "a second approval by the same person", p.stderr)
        check(a.poll() is None and "after" not in marks(d), "the run went on with one approval of two")
        p = rb(["approve", rid, "--state", a2], d)
        check(p.returncode == 0 and "2 of 2 approvals" in p.stdout, "the second approval", p.stdout, p.stderr)
        check(a.wait(GUARD) == 0 and marks(d) == ["after"], "the approved run", read(os.path.join(d, "a.out")))
        gate = [json.loads(l) for l in rb(["show", rid, "--state", op], d).stdout.splitlines() if '"rec":"gate"' in l]
        check(len(gate) == 1 and re.fullmatch(r"approved by rbk_appr1 at \S+Z, rbk_appr2 at \S+Z", gate[0]["answer"])
              and gate[0]["who"] == "rbk_appr1, rbk_appr2", f"the gate record: {gate}")
        p = rb(["approve", rid, "--state", a2], d)
        check(p.returncode == 64 and "waits for no approval" in p.stderr, "an approval after the run went on", p.stderr)
    finally:
        if a.poll() is None:
            os.killpg(a.pid, signal.SIGKILL)
            a.wait()
    # one approves, another rejects: the run stops at once (exit 2), the gate record says who
    a = start(["run", "a.rb", "--param", f"dir={d}", "--state", op], d, os.path.join(d, "b.out"))
    try:
        rid = wait_until(lambda: next((r["id"] for r in runs(d, op) if r["status"] == "waiting for approval"), None), "the second run to wait")
        check(rb(["approve", rid, "--state", a1], d).returncode == 0, "an approval before the rejection")
        p = rb(["reject", rid, "--state", a2], d)
        check(p.returncode == 0 and f"rejected \"Switch writes to {d}?\" of run {rid} as rbk_appr2: the run stops" in p.stdout,
              "the rejection", p.stdout, p.stderr)
        code = a.wait(GUARD)
        out = read(os.path.join(d, "b.out"))
        check(code == 2 and "rejected by rbk_appr2 at " in out and marks(d) == ["after"], f"the rejected run exits {code}", out)
        gate = [json.loads(l) for l in rb(["show", rid, "--state", op], d).stdout.splitlines() if '"rec":"gate"' in l]
        check(len(gate) == 1 and gate[0]["answer"].startswith("rejected by rbk_appr2 at ") and gate[0]["who"] == "rbk_appr2",
              f"the gate record of the rejection: {gate}")
        p = rb(["reject", rid, "--state", a1], d)
        check(p.returncode == 64 and "waits for no approval" in p.stderr, "a rejection after the run stopped", p.stderr)
    finally:
        if a.poll() is None:
            os.killpg(a.pid, signal.SIGKILL)
            a.wait()
    # nobody approves: the deadline passes (the hang guard only bounds the test)
    p = rb(["run", "a.rb", "--param", f"dir={d}", "--param", "wait=1s", "--state", op], d)
    check(p.returncode == 2 and "not approved by 2 in time" in p.stdout + p.stderr, f"an approval not given exits {p.returncode}",
          p.stdout, p.stderr)
    check(marks(d) == ["after"], "the step after an approval not given ran", str(marks(d)))


def approve_then_killed(d, op, a1, wait):
    """A run of a.rb (approve by: 2, timeout `wait` at --time-scale 60) killed after one approval:
    its id and the approve's wait record."""
    a = start(["run", "a.rb", "--param", f"dir={d}", "--param", f"wait={wait}", "--time-scale", "60", "--state", op], d,
              os.path.join(d, "a.out"))
    try:
        rid = wait_until(lambda: next((r for r in runs(d, op) if r["status"] == "waiting for approval"), None),
                         "the run to wait for approval")["id"]
        p = rb(["approve", rid, "--state", a1], d)
        check(p.returncode == 0 and "1 of 2 approvals" in p.stdout, "the first approval", p.stdout, p.stderr)
    finally:
        os.killpg(a.pid, signal.SIGKILL)
        a.wait()
    wait_until(lambda: not any(r["live"] for r in runs(d, op)), "the killed run to be no longer live")
    check([r for r in runs(d, op) if r["id"] == rid][0]["status"] == "interrupted", "the killed run is not interrupted")
    w = [r for r in show(d, op, rid) if r["rec"] == "wait"]
    check(len(w) == 1 and w[0]["effect"] == "approve" and w[0]["target"] == f"Switch writes to {d}?" and w[0]["part"] == "body"
          and w[0]["seq"] == 1 and w[0]["deadline_ms"] == w[0]["wall_ms"] + w[0]["remaining_ms"], f"the approve's wait record: {w}")
    return rid, w[0]


def pg_case_approval_keeps_its_request_across_resume(d, base_url, admin_url):
    """approve(by: 2, timeout: 2h) in a rehearsal (--time-scale 60: 2 min), the run killed after one
    approval: the request stays open while the run is down, a second approval given then counts,
    and the resumed run goes on at once — the same request (one row, its deadline the journal's),
    not a new one asked for the whole timeout. Then a run killed after one approval and resumed
    after its deadline (5m: 5 s) stops at once, not approved in time, naming the first approval.
    And a run killed after one approval and rejected while it is down: its resume goes on with the
    same request and stops at once (exit 2), the gate naming the rejecter; resumed by another
    operator (a new request), the rejection still stops it."""
    op, a1, a2 = approval_setup(d, base_url)
    rid, w1 = approve_then_killed(d, op, a1, "2h")
    check(w1["remaining_ms"] == 120000, f"2h at --time-scale 60: {w1}")
    p = rb(["approve", rid, "--state", a2], d)
    check(p.returncode == 0 and "2 of 2 approvals" in p.stdout, "an approval while the run is down", p.stdout, p.stderr)
    p = rb(["resume", rid, "--state", op], d)
    check(p.returncode == 0 and marks(d) == ["after"], f"the resumed run exits {p.returncode}", p.stdout, p.stderr, str(marks(d)))
    recs = show(d, op, rid)
    w = [r for r in recs if r["rec"] == "wait"]
    check(len(w) == 2 and w[1]["deadline_ms"] == w1["deadline_ms"] and w[1]["remaining_ms"] < w1["remaining_ms"]
          and "before it was cut off" in w[1]["text"], f"the resumed approve's deadline: {w}")
    gate = [r for r in recs if r["rec"] == "gate"]
    check(len(gate) == 1 and re.fullmatch(r"approved by rbk_appr1 at \S+Z, rbk_appr2 at \S+Z", gate[0]["answer"])
          and gate[0]["who"] == "rbk_appr1, rbk_appr2", f"the gate record: {gate}")
    q = psql(base_url, "SELECT count(*), count(closed), max((extract(epoch FROM deadline) * 1000)::bigint) FROM runbook.approval_requests")
    check(q.stdout.strip() == f"1|1|{w1['deadline_ms']}", f"the requests (count, closed, deadline): {q.stdout!r}", q.stderr)
    # the deadline passes while the run is down: the resumed approve does not wait a whole timeout
    rid2, w2 = approve_then_killed(d, op, a1, "5m")
    wait_until(lambda: time.time() * 1000 > w2["deadline_ms"] + 100, "the request's deadline to pass")
    p = rb(["resume", rid2, "--state", op], d)
    check(p.returncode == 2 and "not approved by 2 in time (approved by rbk_appr1 at " in p.stdout + p.stderr,
          f"the resume after the deadline exits {p.returncode}", p.stdout, p.stderr)
    w = [r for r in show(d, op, rid2) if r["rec"] == "wait"]
    check(len(w) == 2 and w[1]["deadline_ms"] == w2["deadline_ms"] and w[1]["remaining_ms"] == 0, f"the resumed approve: {w}")
    check(marks(d) == ["after"], "the step after an approval not given ran", str(marks(d)))
    q = psql(base_url, "SELECT count(*) FROM runbook.approval_requests")
    check(q.stdout.strip() == "2", f"a resume asked a new request: {q.stdout!r}")
    # a rejection given while the run is down is an answer to the same request: the resume stops at once
    rid3, w3 = approve_then_killed(d, op, a1, "2h")
    p = rb(["reject", rid3, "--state", a2], d)
    check(p.returncode == 0 and "as rbk_appr2: the run stops" in p.stdout, "a rejection while the run is down", p.stdout, p.stderr)
    p = rb(["resume", rid3, "--state", op], d)
    check(p.returncode == 2 and "rejected by rbk_appr2 at " in p.stdout + p.stderr, f"the resume after a rejection exits {p.returncode}",
          p.stdout, p.stderr)
    recs = show(d, op, rid3)
    w = [r for r in recs if r["rec"] == "wait"]
    check(len(w) == 2 and w[1]["deadline_ms"] == w3["deadline_ms"] and w[1]["remaining_ms"] > 0, f"the resumed approve: {w}")
    gate = [r for r in recs if r["rec"] == "gate"]
    check(len(gate) == 1 and gate[0]["answer"].startswith("rejected by rbk_appr2 at ") and gate[0]["who"] == "rbk_appr2",
          f"the gate record of the rejection: {gate}")
    check(marks(d) == ["after"], "the step after a rejection ran", str(marks(d)))
    q = psql(base_url, "SELECT count(DISTINCT q.id), string_agg(a.approver || ':' || a.verdict, ',' ORDER BY a.at), bool_and(q.closed IS NOT NULL) "
                       "FROM runbook.approval_requests q JOIN runbook.runs r ON r.num = q.run "
                       f"JOIN runbook.approvals a ON a.request = q.id WHERE r.id = '{rid3}'")
    check(q.stdout.strip() == "1|rbk_appr1:approved,rbk_appr2:rejected|t", f"the one request of the rejected run: {q.stdout!r}", q.stderr)
    # another operator resumes a run rejected while it was down: it asks anew (the asker's own
    # request is not theirs to reopen), and the rejection of the first request still stops it
    g = psql(base_url, GRANTS.replace("runbook_operator", "rbk_state_op2"))
    check(g.returncode == 0, "the second operator's grants", g.stderr)
    op2 = base_url.replace("postgres@", "rbk_state_op2@")
    rid4, w4 = approve_then_killed(d, op, a1, "2h")
    p = rb(["reject", rid4, "--state", a2], d)
    check(p.returncode == 0 and "as rbk_appr2: the run stops" in p.stdout, "a rejection while the run is down", p.stdout, p.stderr)
    p = rb(["resume", rid4, "--state", op2], d)
    check(p.returncode == 2 and "rejected by rbk_appr2 at " in p.stdout + p.stderr,
          f"another operator's resume after a rejection exits {p.returncode}", p.stdout, p.stderr)
    q = psql(base_url, "SELECT count(*), string_agg(q.requested_by, ',' ORDER BY q.id) FROM runbook.approval_requests q "
                       f"JOIN runbook.runs r ON r.num = q.run WHERE r.id = '{rid4}'")
    check(q.stdout.strip() == "2|rbk_state_op,rbk_state_op2", f"the second operator asked anew: {q.stdout!r}", q.stderr)


def pg_case_team_cutover(d, base_url, admin_url):
    """The demo's flow (scripts/demo.sh), on examples/team_cutover.rb itself: an operator's run holds
    the lock it declares and waits in approve(); a second operator's run of the same runbook is
    refused by the lock (who, since when, from where, how to see the run); the approver, a second
    role, reads the run with `runbook show` and approves it from a second process; the run goes on."""
    example = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "team_cutover.rb")
    shutil.copy(example, os.path.join(d, "team_cutover.rb"))
    check(rb(["runs", "--state", base_url], d).returncode == 0, "the owner creates the schema")
    g = psql(base_url, GRANTS.replace("runbook_operator", "rbk_state_op") + GRANTS.replace("runbook_operator", "rbk_state_op2")
             + APPROVER_GRANTS.replace("runbook_approver", "rbk_appr1"))
    check(g.returncode == 0, "the grants of docs/state.md and docs/approvals.md", g.stderr)
    op, op2, ap = (base_url.replace("postgres@", f"{u}@") for u in ("rbk_state_op", "rbk_state_op2", "rbk_appr1"))
    a = start(["run", "team_cutover.rb", "--state", op], d, os.path.join(d, "a.out"))
    try:
        w = wait_until(lambda: next((r for r in runs(d, op) if r["status"] == "waiting for approval"), None), "the run to wait for approval")
        rid = w["id"]
        check(w["locks"] == "orders-db" and w["operator"] == "rbk_state_op", f"the waiting run: {w}")
        p = rb(["run", "team_cutover.rb", "--state", op2], d)
        check(p.returncode == 64 and f'the run lock "orders-db" is held by run {rid} of rbk_state_op on ' in p.stderr
              and " since 20" in p.stderr and "(pid " in p.stderr and f"`runbook show {rid} --state " in p.stderr
              and "[1/3]" not in p.stdout, f"the second operator's run exits {p.returncode}", p.stdout, p.stderr)
        check(len(runs(d, op)) == 1, "the refused run was recorded")
        sh = rb(["show", rid, "--state", ap], d)
        check(sh.returncode == 0 and '"text":"orders-db-2: replication lag 0 bytes"' in sh.stdout
              and 'asks "Replication lag is 0: switch orders writes to orders-db-2?" (0 of 1 approval; until ' in sh.stderr,
              "what the approver sees", sh.stdout, sh.stderr)
        p = rb(["approve", rid, "--state", ap], d)
        check(p.returncode == 0 and "as rbk_appr1: 1 of 1 approval" in p.stdout, "the approval", p.stdout, p.stderr)
        code = a.wait(GUARD)
        out = read(os.path.join(d, "a.out"))
        check(code == 0 and "[2/3] ok Switch orders writes" in out and "approved by rbk_appr1 at " in out and "== GO: 3 ok" in out,
              f"the approved run exits {code}", out)
        p = rb(["run", "team_cutover.rb", "--state", op2, "--param", "approval_timeout=1s"], d)
        check(p.returncode == 2 and "not approved by 1 in time" in p.stdout + p.stderr, "the lock is free once the run ended", p.stdout, p.stderr)
    finally:
        if a.poll() is None:
            os.killpg(a.pid, signal.SIGKILL)
            a.wait()


GRANTS = None  # the blocks of docs/state.md and docs/approvals.md, read in main()
APPROVER_GRANTS = None
PG_CASES = [pg_case_roles, pg_case_journal_write_fails_when_the_session_is_gone, pg_case_password_never_printed,
            pg_case_approvals, pg_case_approval_keeps_its_request_across_resume, pg_case_team_cutover]


CASES = [case_runs_and_show, case_show_follow_from_a_second_process, case_two_processes_race_for_one_lock,
         case_declared_lock_race_source_and_compiled,
         case_sigkill_of_the_holder_then_a_second_run_gets_the_lock, case_resume_run_from_the_store_after_sigkill,
         case_resume_refused_while_the_run_is_live, case_lock_option_and_refusals, case_approve_needs_a_shared_store,
         case_long_wait_keeps_its_deadline_across_resume, case_long_watch_keeps_its_deadline_across_resume,
         case_detach_outlives_the_launching_session, case_detach_stopped_with_kill_term, case_detach_refusals_in_the_foreground,
         case_detach_interrupted_before_step_1]


def docs_grants(root, role, page="state.md"):
    text = open(os.path.join(root, "docs", page)).read()
    start = text.index(f"```sql\n-- the {role} role")
    return text[start + 7:text.index("```", start + 7)]


def main():
    global RUNBOOK, GRANTS, APPROVER_GRANTS
    ap = argparse.ArgumentParser()
    ap.add_argument("--runbook", required=True)
    ap.add_argument("--services-env")
    ap.add_argument("-k", default="")
    a = ap.parse_args()
    RUNBOOK = os.path.abspath(a.runbook)
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    GRANTS = docs_grants(root, "operator")
    APPROVER_GRANTS = docs_grants(root, "approver", "approvals.md")
    if a.services_env and os.path.exists(a.services_env):
        for line in open(a.services_env):
            if "=" in line and not line.startswith("#"):
                k, v = line.rstrip("\n").split("=", 1)
                SERVICES[k] = v
    admin = SERVICES.get("RBK_PG_URL")
    if not admin:
        print("FAIL: no PostgreSQL (RBK_PG_URL in --services-env): the PostgreSQL store is not tested")
        sys.exit(1)
    for role in ("rbk_state_op", "rbk_state_op2", "rbk_appr1", "rbk_appr2"):
        psql(admin, f"DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
                    f"CREATE ROLE {role} LOGIN; END IF; END$$")
    base = tempfile.mkdtemp(prefix="rbk-state-")
    n = 0
    try:
        for case in CASES + PG_CASES:
            for kind in (["pg"] if case in PG_CASES else ["dir", "pg"]):
                name = f"{case.__name__}[{kind}]"
                if a.k not in name:
                    continue
                n += 1
                d = os.path.join(base, f"{n}")
                os.mkdir(d)
                db = f"rbk_state_{n}"
                url = admin.rsplit("/", 1)[0] + "/" + db
                try:
                    if kind == "pg":
                        r = psql(admin, f"DROP DATABASE IF EXISTS {db}")
                        r = psql(admin, f"CREATE DATABASE {db}")
                        check(r.returncode == 0, "CREATE DATABASE", r.stderr)
                    if case in PG_CASES:
                        case(d, url, admin)
                    else:
                        case(d, url if kind == "pg" else os.path.join(d, "store"))
                    print(f"ok   {name}")
                except (AssertionError, subprocess.TimeoutExpired) as ex:
                    FAILS.append(name)
                    print(f"FAIL {name}: {ex}")
                finally:
                    if kind == "pg":
                        psql(admin, f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(f"{n} cases, {len(FAILS)} failed")
    sys.exit(1 if FAILS or not n else 0)


if __name__ == "__main__":
    main()
