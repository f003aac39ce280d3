#!/usr/bin/env python3
"""tests/journal/crash_test.py — the crash-consistency test of `--journal` + `runbook resume`
(ctest journal.crash; docs/journal.md, "What is guaranteed").

A runbook whose effects append a line to a ledger file (through the script `eff`), with globals
computed from effects and from top-level code, and with a rollback path, is run once without
interruption (the reference), then killed with SIGKILL:
  - at every journal write in turn: `strace -e inject=fdatasync:signal=SIGKILL:when=N`, N = 1,
    2, ... until the run completes (the record N is written, not yet synced: everything the
    runner did up to that record, and nothing after it);
  - inside every effect: the effect kills the runner right after its work, before the runner
    can write its outcome (the marker file kill-LABEL asks `eff` to do that once);
  - and, once killed inside an effect of step B, the resume killed at every journal write in
    turn, then resumed again (a resumed run can be resumed);
and each killed run is resumed twice, in two copies of its directory: with `--unknown rerun`
and with `--unknown done`. For every kill point and both decisions:
  1. every effect of the reference run appears in the ledger exactly once, unless a resume
     reported it to the operator as of unknown outcome (then: rerun, at least once and at most
     once more per report; done, at most once), in the reference's order, and nothing else;
  2. the variables after the resume equal the reference's (they are written into the ledger
     lines of later effects and rollbacks, and logged by the top-level code at the end);
  3. the resumed run ends with the reference's verdict (exit code; or, when the kill came after
     the run_end record, the journal says that code and resume has nothing to do).
Two variants: GO (exit 0) and a failure in step C rolled back (exit 1). Kill points run two at a
time. usage: crash_test.py --runbook PATH [-k go|rollback] [-v] [--pg-services-env FILE]

With --pg-services-env (ctest journal.crash-pg), the same against the PostgreSQL run store
(docs/state.md; a database made on the cluster of FILE): `run --state URL --lock crash-DIR`, a
journal write is an INSERT sent to the server, so "every journal write in turn" is every message
the runner sends (`inject=sendto`: the connection's set-up too — a run killed before its begin
record was committed ran nothing and is refused by resume as empty); the two copies of a killed
run are two copies of its rows (a new id each), resumed with `resume ID crash.rb --state URL`.
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile

RUNBOOK = None
VERBOSE = False
STORE = None    # the PostgreSQL store's URL (--pg-services-env), or None: --journal j.jsonl
PSQL = None
SYSCALL = "fdatasync"  # what a journal write is, to strace's inject

CRASH_RB = r'''runbook "Crash consistency"
param break_c: bool = false
let total = 0
let tag = "t"
step "A" {
  sh("./eff A1")
  let r = sh("cat seed", read_only: true)
  total = total + int(trim(r.stdout))
  sh("./eff A2-{total}")
  tag = tag + "a"
} rollback {
  sh("./eff undoA-{total}-{tag}")
}
let mid = total * 10
step "B" {
  sh("./eff B1-{mid}-{tag}")
  total = total + 1
  sh("./eff B2-{total}")
  tag = tag + "b"
} rollback {
  sh("./eff undoB1-{total}")
  sh("./eff undoB2-{tag}")
}
step "C" {
  sh("./eff C1-{total}-{tag}")
  expect not break_c, "the rehearsal fails here"
  tag = tag + "c"
} rollback {
  sh("./eff undoC-{tag}")
}
log("final total={total} tag={tag} mid={mid}")
'''

# Appends its argument to the ledger. With the marker kill-LABEL (LABEL: the argument up to its
# first '-'), removes the marker and SIGKILLs the runner (the nearest `runbook` ancestor): the
# effect's work is done, the runner never learns its outcome.
EFF_SH = r'''#!/bin/sh
echo "$1" >> ledger
label=${1%%-*}
if [ -e "kill-$label" ]; then
  rm -f "kill-$label"
  p=$PPID
  while [ "$p" -gt 1 ]; do
    if [ "$(cat /proc/$p/comm 2>/dev/null)" = runbook ]; then kill -9 "$p"; exit 0; fi
    p=$(awk '{print $4}' /proc/$p/stat 2>/dev/null || echo 1)
  done
fi
'''

VARIANTS = {"go": ([], 0), "rollback": (["--param", "break_c=true"], 1)}


def env(traced=False):
    e = dict(os.environ)
    e["NO_COLOR"] = "1"
    if traced:  # LeakSanitizer cannot run under ptrace: an ASan build under strace checks all but leaks
        e["ASAN_OPTIONS"] = ":".join(x for x in [e.get("ASAN_OPTIONS", ""), "detect_leaks=0"] if x)
    return e


def sanitizer(p):
    for stream in (p.stdout, p.stderr):
        if "AddressSanitizer" in stream or "runtime error:" in stream or "LeakSanitizer" in stream:
            raise AssertionError("sanitizer report:\n" + stream)


def prepare(d):
    with open(os.path.join(d, "crash.rb"), "w") as f:
        f.write(CRASH_RB)
    with open(os.path.join(d, "eff"), "w") as f:
        f.write(EFF_SH)
    os.chmod(os.path.join(d, "eff"), 0o755)
    open(os.path.join(d, "ledger"), "w").close()
    with open(os.path.join(d, "seed"), "w") as f:
        f.write("1\n")


def ledger(d):
    return open(os.path.join(d, "ledger")).read().split()


def label(line):
    return line.split("-", 1)[0]


def run_args(variant, d=None):
    if STORE:
        return ["run", "crash.rb", "--state", STORE, "--lock", "crash-" + os.path.basename(d or "ref")] + VARIANTS[variant][0]
    return ["run", "crash.rb", "--journal", "j.jsonl"] + VARIANTS[variant][0]


def psql(sql):
    p = subprocess.run([PSQL, "-X", "-v", "ON_ERROR_STOP=1", "-qAt", STORE, "-c", sql], capture_output=True, text=True, timeout=120)
    if p.returncode:
        raise AssertionError(f"psql: {p.stderr}")
    return p.stdout


def store_run_id(d):
    """The store's run of directory d (by its lock), or None when the run was killed before it was registered."""
    out = psql(f"SELECT id FROM runbook.runs WHERE locks = 'crash-{os.path.basename(d)}'").split()
    return out[0] if out else None


def store_copy(d, c, suffix):
    """Copies the run of d (its rows) as the run of c, which is d + suffix: a new id, a lock of its own."""
    rid = store_run_id(d)
    if rid is None:
        return
    new = rid + suffix.replace("-rerun", "-r").replace("-done", "-d")
    psql(f"INSERT INTO runbook.runs (id, title, artifact, runbook, os_user, host, pid, started, locks) "
         f"SELECT '{new}', title, artifact, runbook, os_user, host, pid, started, 'crash-{os.path.basename(c)}' "
         f"FROM runbook.runs WHERE id = '{rid}'; "
         f"INSERT INTO runbook.journal (run, seq, rec, line) SELECT (SELECT num FROM runbook.runs WHERE id = '{new}'), seq, rec, line "
         f"FROM runbook.journal WHERE run = (SELECT num FROM runbook.runs WHERE id = '{rid}')")


def copy_killed(d, c):
    shutil.copytree(d, c)
    if STORE:
        store_copy(d, c, c[len(d):])


def reference(variant, base):
    d = os.path.join(base, f"ref-{variant}")
    os.mkdir(d)
    prepare(d)
    p = subprocess.run([RUNBOOK] + run_args(variant, d), cwd=d, env=env(), stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=120)
    sanitizer(p)
    if p.returncode != VARIANTS[variant][1]:
        raise AssertionError(f"reference {variant}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    final = [l for l in p.stdout.splitlines() if "final total=" in l]
    return ledger(d), final, p.returncode


def reported_unknown(stderr):
    """The labels of the effects the resume listed as of unknown outcome."""
    out = set()
    section = False
    for line in stderr.splitlines():
        if "unknown" in line and ("outcome" in line or "effect" in line):
            section = True
            continue
        if section and line.startswith("  - "):
            m = re.search(r"eff'?\s+'?([A-Za-z0-9]+)", line.replace("'", ""))
            if m:
                out.add(m.group(1))
            continue
        section = False
    return out


def journal_end_code(d):
    import json
    code = None
    if STORE:
        lines = psql(f"SELECT line FROM runbook.journal WHERE run = (SELECT num FROM runbook.runs WHERE id = '{store_run_id(d)}') "
                     "ORDER BY seq").splitlines()
    else:
        lines = open(os.path.join(d, "j.jsonl"), "rb")
    for raw in lines:
        try:
            r = json.loads(raw)
        except ValueError:
            continue
        if r.get("rec") == "run_end":
            code = r.get("code")
        elif r.get("rec") == "resume":
            code = None
    return code


def resume_cmd(decision, d=None):
    if STORE:
        return [RUNBOOK, "resume", store_run_id(d), "crash.rb", "--unknown", decision, "--state", STORE]
    return [RUNBOOK, "resume", "j.jsonl", "crash.rb", "--unknown", decision]


def check_resumed(variant, point, decision, d, ref_ledger, ref_final, ref_code, before=None):
    """Resumes in d and checks the three properties; before: how many times earlier (killed)
    resumes of this directory reported each effect as of unknown outcome."""
    where = f"{variant} {point} --unknown {decision}"
    if STORE and store_run_id(d) is None:
        # killed before the run was registered: nothing ran
        if ledger(d):
            raise AssertionError(f"{where}: no run in the store, but the ledger holds {ledger(d)}")
        return
    p = subprocess.run(resume_cmd(decision, d), cwd=d, env=env(), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=120)
    sanitizer(p)
    detail = f"\n--- resume stdout ---\n{p.stdout}--- resume stderr ---\n{p.stderr}--- ledger ---\n{ledger(d)}"
    if STORE and "empty: no run was journaled" in p.stderr:
        # killed before its begin record was committed: nothing ran, and there is nothing to resume
        if ledger(d) or p.returncode != 64:
            raise AssertionError(f"{where}: an empty journal, but exit {p.returncode} and the ledger {ledger(d)}{detail}")
        return
    got = ledger(d)
    times = dict(before or {})
    for lab in reported_unknown(p.stderr):
        times[lab] = times.get(lab, 0) + 1
    unknown = set(times)
    # 1. exactly once, or reported as of unknown outcome (each report may add one run: rerun)
    expected = {label(l): l for l in ref_ledger}
    for lab, line in expected.items():
        n = got.count(line)
        if lab in unknown:
            ok = 1 <= n <= 1 + times[lab] if decision == "rerun" else n in (0, 1)
        else:
            ok = n == 1
        if not ok:
            raise AssertionError(f"{where}: {line} appears {n} times (reported unknown: {sorted(unknown)}){detail}")
    extra = [l for l in got if l not in ref_ledger]
    if extra:
        raise AssertionError(f"{where}: lines the reference run did not write (stale or lost variables?): {extra}{detail}")
    firsts = []
    for l in got:
        if l not in firsts:
            firsts.append(l)
    if firsts != [l for l in ref_ledger if l in firsts]:
        raise AssertionError(f"{where}: the effects ran in another order: {firsts}{detail}")
    # 3. the verdict
    if "nothing to resume" in p.stderr:
        code = journal_end_code(d)
        if p.returncode != 0 or code != ref_code:
            raise AssertionError(f"{where}: nothing to resume, but the journal ends with {code}, not {ref_code}{detail}")
        return
    if p.returncode != ref_code:
        raise AssertionError(f"{where}: the resumed run exits {p.returncode}, the reference {ref_code}{detail}")
    # 2. the variables at the end (the rollback variant's are in its undo lines, checked above)
    final = [l for l in p.stdout.splitlines() if "final total=" in l]
    if final != ref_final:
        raise AssertionError(f"{where}: final variables {final}, the reference {ref_final}{detail}")


def chain_point(variant, n, base, ref):
    """Killed inside the second effect of step B, then the resume killed at its journal write n,
    then resumed again: a resumed run can be resumed. None when the resume completed first."""
    d = os.path.join(base, f"{variant}-chain-{n}")
    os.mkdir(d)
    prepare(d)
    open(os.path.join(d, "kill-B2"), "w").close()
    p = subprocess.run([RUNBOOK] + run_args(variant, d), cwd=d, env=env(), stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=120)
    if p.returncode not in (137, -9):
        raise AssertionError(f"{variant} chain: the run was not killed in B2 (exit {p.returncode})\n{p.stdout}\n{p.stderr}")
    completed = False
    for decision in ("rerun", "done"):
        c = d + "-" + decision
        copy_killed(d, c)
        q = subprocess.run(["strace", "-o", "/dev/null", "-e", f"trace={SYSCALL}", "-e", f"inject={SYSCALL}:signal=SIGKILL:when={n}"]
                           + resume_cmd(decision, c), cwd=c, env=env(traced=True), stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=120)
        if q.returncode not in (137, -9):
            sanitizer(q)
            completed = True
            continue
        before = {lab: 1 for lab in reported_unknown(q.stderr)}
        check_resumed(variant, f"chain (killed in B2, then the resume at write {n})", decision, c, *ref, before=before)
    return None if completed else n


def kill_point(variant, point, base, ref):
    """Runs the variant killed at point ('sync N' or 'in LABEL'); returns None when the run
    completed before the kill (N past the last record), else checks both decisions."""
    d = os.path.join(base, f"{variant}-{point.replace(' ', '-')}")
    os.mkdir(d)
    prepare(d)
    if point.startswith("sync "):
        n = int(point.split()[1])
        cmd = ["strace", "-o", "/dev/null", "-e", f"trace={SYSCALL}",
               "-e", f"inject={SYSCALL}:signal=SIGKILL:when={n}", RUNBOOK] + run_args(variant, d)
    else:
        open(os.path.join(d, "kill-" + point.split()[1]), "w").close()
        cmd = [RUNBOOK] + run_args(variant, d)
    p = subprocess.run(cmd, cwd=d, env=env(traced=point.startswith("sync ")), stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=120)
    if p.returncode == ref[2] and point.startswith("sync "):
        sanitizer(p)
        return None  # completed: no record N
    if p.returncode not in (137, -9):
        raise AssertionError(f"{variant} {point}: the run was not killed (exit {p.returncode})\n{p.stdout}\n{p.stderr}")
    for decision in ("rerun", "done"):
        c = d + "-" + decision
        copy_killed(d, c)
        check_resumed(variant, point, decision, c, *ref)
    return point


def setup_store(services_env):
    """A fresh database for the store, on the cluster of services_env (scripts/services.sh)."""
    global STORE, PSQL, SYSCALL
    svc = {}
    if os.path.exists(services_env):
        for line in open(services_env):
            if "=" in line and not line.startswith("#"):
                k, v = line.rstrip("\n").split("=", 1)
                svc[k] = v
    if "RBK_PG_URL" not in svc:
        print(f"FAIL: no PostgreSQL in {services_env} (scripts/services.sh start)")
        sys.exit(1)
    PSQL = os.path.join(svc["RBK_PG_BIN"], "psql")
    admin = svc["RBK_PG_URL"]
    for sql in ("DROP DATABASE IF EXISTS rbk_crash_store WITH (FORCE)", "CREATE DATABASE rbk_crash_store"):
        subprocess.run([PSQL, "-X", "-qAt", admin, "-c", sql], check=True, capture_output=True, timeout=120)
    STORE = admin.rsplit("/", 1)[0] + "/rbk_crash_store"
    SYSCALL = "sendto"
    # the schema first, so that the kill points are those of the runs, not of one creating it
    subprocess.run([RUNBOOK, "runs", "--state", STORE], check=True, capture_output=True, timeout=120)


def main():
    global RUNBOOK, VERBOSE
    ap = argparse.ArgumentParser()
    ap.add_argument("--runbook", required=True)
    ap.add_argument("-k", default="")
    ap.add_argument("-v", action="store_true")
    ap.add_argument("--pg-services-env")
    a = ap.parse_args()
    RUNBOOK = os.path.abspath(a.runbook)
    VERBOSE = a.v
    if a.pg_services_env:
        setup_store(a.pg_services_env)
    if not shutil.which("strace"):
        print("FAIL: strace is not installed (scripts/setup.sh installs it)")
        sys.exit(1)
    probe = subprocess.run(["strace", "-o", "/dev/null", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        print(f"FAIL: strace cannot trace a process here (ptrace not permitted?): {probe.stderr.strip()}")
        sys.exit(1)
    # fdatasync on a tmpfs returns at once: the test is about kills, not about power loss
    shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    base = tempfile.mkdtemp(prefix="rbk-crash-", dir=shm)
    fails = []
    total = 0
    try:
        for variant in VARIANTS:
            if a.k not in variant:
                continue
            ref = reference(variant, base)
            points = ["in " + label(l) for l in ref[0]]
            with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
                # inside effects
                for point, fut in [(pt, pool.submit(kill_point, variant, pt, base, ref)) for pt in points]:
                    try:
                        fut.result()
                        total += 1
                    except AssertionError as ex:
                        total += 1
                        fails.append(str(ex))
                # every journal write, two at a time, until the run completes
                n, done = 1, False
                while not done:
                    batch = [n, n + 1]
                    n += 2
                    for k, fut in [(k, pool.submit(kill_point, variant, f"sync {k}", base, ref)) for k in batch]:
                        try:
                            if fut.result() is None:
                                done = True
                            else:
                                total += 1
                        except AssertionError as ex:
                            total += 1
                            fails.append(str(ex))
                    if n > 1000:
                        fails.append(f"{variant}: the run never completed under strace")
                        break
                # the resume of a run killed in B2, killed at every journal write in turn
                n, done = 1, False
                while not done and n <= 1000:
                    batch = [n, n + 1]
                    n += 2
                    for k, fut in [(k, pool.submit(chain_point, variant, k, base, ref)) for k in batch]:
                        try:
                            if fut.result() is None:
                                done = True
                            else:
                                total += 1
                        except AssertionError as ex:
                            total += 1
                            fails.append(str(ex))
            print(f"{variant}: {len(ref[0])} effects; kill points so far: {total}, failed: {len(fails)}")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    for f in fails:
        print("FAIL " + (f if VERBOSE else f[:4000]))
    print(f"{total} kill points (each resumed twice: --unknown rerun and done), {len(fails)} failed")
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
