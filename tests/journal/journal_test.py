#!/usr/bin/env python3
"""tests/journal/journal_test.py — the journal and `runbook resume`, end to end, with real
processes: a runner killed with SIGKILL mid-step and mid-rollback, then resumed; refusals (a
changed runbook, a changed environment, an existing journal, effects of unknown outcome without
a decision); a journal cut short by the kill; a corrupt journal; SIGINT then resume; no secret in
the journal. Each case runs in its own temporary directory.

usage: journal_test.py --runbook PATH [-k NAME]
"""
import argparse
import hashlib
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

RUNBOOK = None
FAILS = []

# The runbook under test: step "Two" (or the rollback of "Two") blocks while the file `slow`
# exists, so the test can kill the runner inside it; `marks` records every effect that ran.
FORWARD = '''runbook "Journal test"
param dir: string
env JT_SECRET secret
env JT_REGION optional
let counter = 0
let note = "start"
let token = env.JT_SECRET
step "One" {
  sh("echo one >> {dir}/marks")
  counter = counter + 1
  note = "after one"
  log("token is {token}")
} rollback {
  sh("echo undo-one >> {dir}/marks")
}
let derived = counter * 10
step "Two" {
  log("derived={derived} note={note} counter={counter}")
  sh("echo two-start >> {dir}/marks; if [ -e {dir}/slow ]; then sleep 30; fi; echo two-end >> {dir}/marks")
} rollback {
  sh("echo undo-two-start >> {dir}/marks; if [ -e {dir}/slowundo ]; then sleep 30; fi; echo undo-two-end >> {dir}/marks")
}
step "Three" {
  sh("echo three >> {dir}/marks")
  expect counter == 1
  expect not file.exists("{dir}/fail3")
} rollback {
  sh("echo undo-three >> {dir}/marks")
}
'''

SECRET = "s3cr3t-Canary-77"


def env():
    e = dict(os.environ)
    e["JT_SECRET"] = SECRET
    e.pop("JT_REGION", None)
    e["NO_COLOR"] = "1"
    return e


def run(args, cwd, extra_env=None, timeout=60):
    e = env()
    if extra_env:
        e.update(extra_env)
    p = subprocess.run([RUNBOOK] + args, cwd=cwd, env=e, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=timeout)
    for stream in (p.stdout, p.stderr):
        if "AddressSanitizer" in stream or "runtime error:" in stream or "LeakSanitizer" in stream:
            raise AssertionError("sanitizer report:\n" + stream)
    return p


def start(args, cwd, extra_env=None):
    e = env()
    if extra_env:
        e.update(extra_env)
    return subprocess.Popen([RUNBOOK] + args, cwd=cwd, env=e, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def wait_for(path, text, deadline=20):
    end = time.time() + deadline
    while time.time() < end:
        if os.path.exists(path) and text in open(path).read():
            return
        time.sleep(0.05)
    raise AssertionError(f"{text!r} did not appear in {path} within {deadline}s")


def kill_group(p, sig=signal.SIGKILL):
    """SIGKILL the runner only (like the OOM killer or a lost machine), then its orphans."""
    os.kill(p.pid, sig)
    p.wait(timeout=20)
    p.stdout.close()
    p.stderr.close()
    try:
        os.killpg(p.pid, signal.SIGKILL)  # the shell children it left behind
    except ProcessLookupError:
        pass


def marks(d):
    path = os.path.join(d, "marks")
    return open(path).read().split() if os.path.exists(path) else []


def check(cond, msg, *outputs):
    if not cond:
        detail = "\n".join(f"--- output ---\n{o}" for o in outputs)
        raise AssertionError(msg + ("\n" + detail if detail else ""))


def setup(d):
    with open(os.path.join(d, "j.rb"), "w") as f:
        f.write(FORWARD)


def killed_in_two(d):
    setup(d)
    open(os.path.join(d, "slow"), "w").close()
    p = start(["run", "j.rb", "--param", f"dir={d}", "--journal", "j.jsonl"], d)
    wait_for(os.path.join(d, "marks"), "two-start")
    kill_group(p)
    os.unlink(os.path.join(d, "slow"))


def no_secret(d, secret=SECRET):
    for name in os.listdir(d):
        path = os.path.join(d, name)
        if not os.path.isfile(path):
            continue
        data = open(path, "rb").read()
        check(secret.encode() not in data, f"the secret appears in {name}")


# ------------------------------------------------------------------ cases
def case_sigkill_mid_step_then_rerun(d):
    killed_in_two(d)
    check(marks(d) == ["one", "two-start"], f"marks before resume: {marks(d)}")
    # no decision, no terminal: refused, and the unknown effect is named
    p = run(["resume", "j.jsonl"], d)
    check(p.returncode == 64, f"resume without a decision: exit {p.returncode}", p.stdout, p.stderr)
    check("outcome of this effect is unknown" in p.stderr and "two-start" in p.stderr, "the unknown effect is listed", p.stderr)
    check(marks(d) == ["one", "two-start"], "a refused resume ran something")
    # from another directory: the run goes back to its own
    p = run(["resume", os.path.join(d, "j.jsonl"), "--unknown", "rerun"], "/")
    check(p.returncode == 0, f"resume --unknown rerun: exit {p.returncode}", p.stdout, p.stderr)
    check(marks(d) == ["one", "two-start", "two-start", "two-end", "three"], f"marks after resume: {marks(d)}")
    check("derived=10 note=after one counter=1" in p.stdout, "globals restored from the checkpoint", p.stdout)
    check("[1/3] ok One: done before the resume (journal)" in p.stdout, "step One reported as done before", p.stdout)
    # the journal now says the run ended: a second resume has nothing to do
    p = run(["resume", "j.jsonl"], d)
    check(p.returncode == 0 and "nothing to resume" in p.stderr, "resume after the end", p.stderr)
    recs = [json.loads(l) for l in open(os.path.join(d, "j.jsonl"))]
    check(recs[0]["rec"] == "begin" and any(r["rec"] == "resume" for r in recs), "begin and resume records")
    check(recs[-1]["rec"] == "run_end" and recs[-1]["code"] == 0, "run_end last")
    # the secret held in the global `token` is not in the checkpoint, and never anywhere
    for r in recs:
        if r["rec"] == "checkpoint":
            names = [g["name"] for g in r["state"]["globals"]]
            check("token" not in names, "a secret global was checkpointed")
            check({"name": "token", "why": "secret"} in [{k: u[k] for k in ("name", "why")} for u in r["state"]["unsaved"]],
                  "the secret global is listed as unsaved")
    no_secret(d)


def case_sigkill_mid_step_then_done(d):
    killed_in_two(d)
    p = run(["resume", "j.jsonl", "--unknown", "done"], d)
    check(p.returncode == 0, f"resume --unknown done: exit {p.returncode}", p.stdout, p.stderr)
    check(marks(d) == ["one", "two-start", "three"], f"marks: {marks(d)}")
    check("counted as done" in open(os.path.join(d, "j.jsonl")).read(), "the decision is journaled")


def case_sigkill_mid_rollback(d):
    setup(d)
    open(os.path.join(d, "fail3"), "w").close()
    open(os.path.join(d, "slowundo"), "w").close()
    p = start(["run", "j.rb", "--param", f"dir={d}", "--journal", "j.jsonl"], d)
    wait_for(os.path.join(d, "marks"), "undo-two-start")
    kill_group(p)
    os.unlink(os.path.join(d, "slowundo"))
    check(marks(d) == ["one", "two-start", "two-end", "three", "undo-three", "undo-two-start"], f"marks: {marks(d)}")
    p = run(["resume", "j.jsonl", "--unknown", "rerun"], d)
    check(p.returncode == 1, f"resumed rollback: exit {p.returncode} (1: failed, rolled back)", p.stdout, p.stderr)
    check("rollback continues" in p.stderr, "the operator is told the rollback continues", p.stderr)
    check(marks(d) == ["one", "two-start", "two-end", "three", "undo-three", "undo-two-start", "undo-two-start", "undo-two-end", "undo-one"],
          f"marks after the resumed rollback: {marks(d)}")


def case_sigint_then_resume(d):
    setup(d)
    open(os.path.join(d, "slow"), "w").close()
    p = start(["run", "j.rb", "--param", f"dir={d}", "--journal", "j.jsonl"], d)
    wait_for(os.path.join(d, "marks"), "two-start")
    os.kill(p.pid, signal.SIGINT)
    out, err = p.communicate(timeout=30)
    check(p.returncode == 4, f"SIGINT without a terminal: exit {p.returncode}", out, err)
    check("runbook resume" in err, "the operator is told how to resume", err)
    os.unlink(os.path.join(d, "slow"))
    p = run(["resume", "j.jsonl"], d)
    check(p.returncode == 64 and "cancelled part-way" in p.stderr, "the cancelled command is of unknown outcome", p.stderr)
    p = run(["resume", "j.jsonl", "--unknown", "rerun"], d)
    check(p.returncode == 0, f"resume after SIGINT: exit {p.returncode}", p.stdout, p.stderr)
    check(marks(d)[-3:] == ["two-start", "two-end", "three"] and marks(d).count("one") == 1, f"marks: {marks(d)}")


def case_changed_runbook_refused(d):
    killed_in_two(d)
    with open(os.path.join(d, "j.rb"), "a") as f:
        f.write('step "Four" { log("new") }\n')
    p = run(["resume", "j.jsonl", "--unknown", "rerun"], d)
    check(p.returncode == 64 and "runbook changed" in p.stderr, "a changed runbook is refused", p.stderr)
    check(marks(d) == ["one", "two-start"], "nothing ran")


def case_changed_environment_refused(d):
    setup(d)
    p = run(["run", "j.rb", "--param", f"dir={d}", "--journal", "j.jsonl", "--fail-at", "Two", "--on-failure", "stop"], d,
            {"JT_REGION": "eu-west-1"})
    check(p.returncode == 3, f"--fail-at Two --on-failure stop: exit {p.returncode}", p.stdout, p.stderr)
    p = run(["resume", "j.jsonl"], d, {"JT_REGION": "us-east-1"})
    check(p.returncode == 64 and "JT_REGION was \"eu-west-1\", is now \"us-east-1\"" in p.stderr, "a changed env is refused", p.stderr)
    p = run(["resume", "j.jsonl"], d, {"JT_REGION": "eu-west-1"})
    # --fail-at comes from the journal: the rehearsal fails "Two" again, and stops
    check(p.returncode == 3, f"resume with the same env: exit {p.returncode}", p.stdout, p.stderr)
    check(marks(d).count("one") == 1, f"step One ran once: {marks(d)}")


def case_existing_journal_refused(d):
    setup(d)
    open(os.path.join(d, "j.jsonl"), "w").write('{"rec":"begin"}\n')
    p = run(["run", "j.rb", "--param", f"dir={d}", "--journal", "j.jsonl"], d)
    check(p.returncode == 64 and "already holds a journal" in p.stderr, "an existing journal is not overwritten", p.stderr)
    check(marks(d) == [], "nothing ran")


def case_cut_short_last_record(d):
    killed_in_two(d)
    # the runner died while writing a record: half a line at the end
    with open(os.path.join(d, "j.jsonl"), "a") as f:
        f.write('{"rec":"effect_end","wall_ms":17,"st')
    p = run(["resume", "j.jsonl", "--unknown", "rerun"], d)
    check(p.returncode == 0, f"resume with a cut-short record: exit {p.returncode}", p.stdout, p.stderr)
    check("cut short" in p.stderr, "the operator is told about the cut-short record", p.stderr)


def case_corrupt_journal(d):
    killed_in_two(d)
    lines = open(os.path.join(d, "j.jsonl")).read().splitlines(True)
    lines[2] = "this is not json\n"
    open(os.path.join(d, "j.jsonl"), "w").writelines(lines)
    p = run(["resume", "j.jsonl", "--unknown", "rerun"], d)
    check(p.returncode == 64 and "j.jsonl:3:" in p.stderr, "a corrupt line is reported with its number", p.stderr)
    p = run(["resume", "missing.jsonl"], d)
    check(p.returncode == 64 and "missing.jsonl" in p.stderr, "a missing journal", p.stderr)


# A secret param (`param ... secret`): its value is never in the journal, so `runbook resume`
# needs it again: --param, or typed on a terminal; refused without either. The marks file gets
# a hash of the value each time a step uses it, to show that the resumed run has the real one.
SECRET_PARAM_RB = r'''runbook "Journal secret param"
param dir: string
param api_key: string secret
step "One" {
  sh("printf '%s' {api_key} | sha256sum | cut -c1-12 >> {dir}/marks")
  log("key is {api_key}")
} rollback {
  sh("echo undo-one >> {dir}/marks")
}
step "Two" {
  sh("echo two-start >> {dir}/marks; if [ -e {dir}/slow ]; then sleep 30; fi; echo two-end >> {dir}/marks")
  sh("printf '%s' {api_key} | sha256sum | cut -c1-12 >> {dir}/marks")
} rollback {
  sh("echo undo-two >> {dir}/marks")
}
'''
API_KEY = "Ap1-K3y-Param-S3cret"
API_KEY_HASH = hashlib.sha256(API_KEY.encode()).hexdigest()[:12]


def case_secret_param_not_journaled_resume_needs_it(d):
    with open(os.path.join(d, "s.rb"), "w") as f:
        f.write(SECRET_PARAM_RB)
    open(os.path.join(d, "slow"), "w").close()
    p = start(["run", "s.rb", "--param", f"dir={d}", "--param", f"api_key={API_KEY}", "--journal", "j.jsonl"], d)
    wait_for(os.path.join(d, "marks"), "two-start")
    kill_group(p)
    os.unlink(os.path.join(d, "slow"))
    check(marks(d) == [API_KEY_HASH, "two-start"], f"marks before resume: {marks(d)}")
    begin = json.loads(open(os.path.join(d, "j.jsonl")).readline())
    check(begin["params"] == {"dir": d, "api_key": "***"}, f"the begin record's params: {begin['params']}")
    # without the value and without a terminal: refused, naming the param; nothing runs
    p = run(["resume", "j.jsonl", "--unknown", "rerun"], d)
    check(p.returncode == 64, f"resume without the secret param: exit {p.returncode}", p.stdout, p.stderr)
    check("secret parameter api_key" in p.stderr and "--param api_key=VALUE" in p.stderr, "the param is named", p.stderr)
    # a non-secret param comes from the journal
    p = run(["resume", "j.jsonl", "--unknown", "rerun", "--param", f"api_key={API_KEY}", "--param", "dir=/elsewhere"], d)
    check(p.returncode == 64 and "--param dir: the parameters come from the journal" in p.stderr, "--param of a non-secret param", p.stderr)
    check(marks(d) == [API_KEY_HASH, "two-start"], f"a refused resume ran something: {marks(d)}")
    # given again: the run continues with the real value
    p = run(["resume", "j.jsonl", "--unknown", "rerun", "--param", f"api_key={API_KEY}"], d)
    check(p.returncode == 0, f"resume with --param api_key: exit {p.returncode}", p.stdout, p.stderr)
    check(marks(d) == [API_KEY_HASH, "two-start", "two-start", "two-end", API_KEY_HASH], f"marks after resume: {marks(d)}")
    for r in (json.loads(l) for l in open(os.path.join(d, "j.jsonl"))):
        if r["rec"] == "checkpoint":
            check("api_key" not in [g["name"] for g in r["state"]["globals"]], "the secret param was checkpointed")
    no_secret(d, API_KEY)


def case_secret_param_typed_on_a_terminal(d):
    """run asks for a missing secret param without echo; resume asks for it again."""
    if not shutil.which("tmux"):
        print("note: tmux is not installed: the terminal part of the secret param case is not run")
        return
    with open(os.path.join(d, "s.rb"), "w") as f:
        f.write(SECRET_PARAM_RB)
    # one tmux server per terminal: after kill-session of its only session a server exits, and
    # a new-session on the same socket can reach it while it does ("server exited unexpectedly")
    def tm_of(label):
        return ["tmux", "-S", os.path.join(d, f"tmux-{label}.sock")]
    tenv = dict(os.environ, SHELL="/bin/sh", LANG="C.UTF-8", TERM="xterm-256color")
    tenv.pop("TMUX", None)
    tenv.pop("NO_COLOR", None)

    def on_terminal(args, prompt, label):
        tm = tm_of(label)
        cmd = (f"cd {shlex.quote(d)} && {shlex.quote(RUNBOOK)} " + " ".join(shlex.quote(a) for a in args) +
               f"; echo $? > {label}.exit; sleep 60")
        subprocess.run(tm + ["-f", "/dev/null", "new-session", "-d", "-s", label, "-x", "150", "-y", "40", cmd], check=True, env=tenv)
        try:
            end = time.time() + 20
            screen = ""
            while time.time() < end and prompt not in screen:
                screen = subprocess.run(tm + ["capture-pane", "-p", "-t", label], capture_output=True, text=True, env=tenv).stdout
                time.sleep(0.1)
            check(prompt in screen, f"the question {prompt!r} was not asked; the screen:\n{screen}")
            subprocess.run(tm + ["send-keys", "-t", label, "-l", API_KEY], check=True, env=tenv)
            subprocess.run(tm + ["send-keys", "-t", label, "Enter"], check=True, env=tenv)
            exitf = os.path.join(d, f"{label}.exit")
            while time.time() < end and not (os.path.exists(exitf) and open(exitf).read().strip()):
                time.sleep(0.1)
            screen = subprocess.run(tm + ["capture-pane", "-p", "-t", label, "-S", "-"], capture_output=True, text=True, env=tenv).stdout
            check(API_KEY not in screen, f"the typed secret was echoed:\n{screen}")
            with open(os.path.join(d, f"{label}.screen"), "w") as f:
                f.write(screen)
            return int(open(exitf).read().strip()) if os.path.exists(exitf) else None
        finally:
            subprocess.run(tm + ["kill-session", "-t", label], capture_output=True, env=tenv)

    try:
        code = on_terminal(["run", "s.rb", "--param", f"dir={d}", "--journal", "j.jsonl", "--fail-at", "Two", "--on-failure", "stop"],
                           "? Parameter api_key (string, secret", "run")
        check(code == 3, f"the run (--fail-at Two --on-failure stop): exit {code}", open(os.path.join(d, "run.screen")).read())
        check(marks(d) == [API_KEY_HASH, "two-start", "two-end", API_KEY_HASH], f"marks after the run: {marks(d)}")
        code = on_terminal(["resume", "j.jsonl"], "? Parameter api_key (string, secret) is not in the journal", "resume")
        out = open(os.path.join(d, "resume.screen")).read()
        check(code == 3, f"the resumed run (--fail-at Two again, from the journal): exit {code}", out)
        check(marks(d) == [API_KEY_HASH, "two-start", "two-end", API_KEY_HASH, "two-start", "two-end", API_KEY_HASH],
              f"marks after resume: {marks(d)}")
    finally:
        for label in ("run", "resume"):
            subprocess.run(tm_of(label) + ["kill-server"], capture_output=True, env=tenv)
    no_secret(d, API_KEY)


def case_not_a_terminal_options(d):
    setup(d)
    p = run(["run", "j.rb", "--param", f"dir={d}", "--on-failure", "ask"], d)
    check(p.returncode == 64 and "--on-failure ask needs an operator" in p.stderr, "ask without a terminal is refused", p.stderr)
    p = run(["run", "j.rb", "--param", f"dir={d}", "--journal", "j.jsonl", "--fail-at", "Two", "--on-failure", "stop"], d)
    check(p.returncode == 3, f"--fail-at Two --on-failure stop: exit {p.returncode}", p.stdout, p.stderr)
    p = run(["resume", "j.jsonl", "--param", "dir=x"], d)
    check(p.returncode == 64 and "come from the journal" in p.stderr, "--param of a param that is not secret, on resume", p.stderr)


def main():
    global RUNBOOK
    ap = argparse.ArgumentParser()
    ap.add_argument("--runbook", required=True)
    ap.add_argument("-k", default="")
    a = ap.parse_args()
    RUNBOOK = os.path.abspath(a.runbook)
    cases = [(n, f) for n, f in sorted(globals().items()) if n.startswith("case_") and a.k in n]
    for name, fn in cases:
        d = tempfile.mkdtemp(prefix="rbk-journal-")
        try:
            fn(d)
            print(f"PASS {name}")
        except Exception as ex:  # noqa: BLE001 — report every case
            FAILS.append(name)
            print(f"FAIL {name}: {ex}")
        finally:
            shutil.rmtree(d, ignore_errors=True)
    print(f"{len(cases) - len(FAILS)} passed, {len(FAILS)} failed")
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
