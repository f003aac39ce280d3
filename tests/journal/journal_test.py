#!/usr/bin/env python3
"""tests/journal/journal_test.py — the journal and `runbook resume`, end to end, with real
processes: a runner killed with SIGKILL mid-step and mid-rollback, then resumed; refusals (a
changed runbook, a changed environment, an existing journal, effects of unknown outcome without
a decision); a journal cut short by the kill; a corrupt journal; SIGINT then resume; no secret in
the journal. Each case runs in its own temporary directory.

usage: journal_test.py --runbook PATH [--services-env FILE] [-k NAME]
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
SERVICES = {}  # KEY=value lines of --services-env (RBK_PG_URL)

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
                       capture_output=True, text=True, errors="replace", timeout=timeout)
    for stream in (p.stdout, p.stderr):
        if "AddressSanitizer" in stream or "runtime error:" in stream or "LeakSanitizer" in stream:
            raise AssertionError("sanitizer report:\n" + stream)
    return p


def start(args, cwd, extra_env=None):
    e = env()
    if extra_env:
        e.update(extra_env)
    return subprocess.Popen([RUNBOOK] + args, cwd=cwd, env=e, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
                            start_new_session=True)


def wait_for(path, text, deadline=20):
    end = time.time() + deadline
    while time.time() < end:
        if os.path.exists(path) and text in open(path).read():
            return
        time.sleep(0.05)
    raise AssertionError(f"{text!r} did not appear in {path} within {deadline}s")



# List and map params (issue 15): a resumed run has the values the run started with, a list
# given as comma-separated items and one given in JSON (items holding a comma and a blank), a
# default list and map; and a global map changed by assigning into it in a completed step is
# restored from the journal as it was.
LIST_PARAM_RB = r"""runbook "Journal list params"
param dir: string
param nodes: list
param tags: list
param zones: list = ["z1", "z2"]
param opts: map = {retries: 2, mode: {fast: true}}
let state = {done: [], seen: {}}
step "One" {
  state.done = state.done + ["one"]
  state.seen["nodes"] = nodes
  sh("echo one >> {dir}/marks")
} rollback {
  sh("echo undo-one >> {dir}/marks")
}
step "Two" {
  sh("echo two-start >> {dir}/marks; if [ -e {dir}/slow ]; then sleep 30; fi; echo two-end >> {dir}/marks")
  file.write("{dir}/two.json", json.encode({nodes: nodes, tags: tags, zones: zones, opts: opts, state: state}))
} rollback {
  sh("echo undo-two >> {dir}/marks")
}
"""


def case_list_params_resume(d):
    with open(os.path.join(d, "l.rb"), "w") as f:
        f.write(LIST_PARAM_RB)
    open(os.path.join(d, "slow"), "w").close()
    p = start(["run", "l.rb", "--param", f"dir={d}", "--param", "nodes=a, b", "--param", 'tags=["t 1", "t,2", 3]',
               "--journal", "j.jsonl"], d)
    wait_for(os.path.join(d, "marks"), "two-start")
    kill_group(p)
    os.unlink(os.path.join(d, "slow"))
    check(marks(d) == ["one", "two-start"], f"marks before resume: {marks(d)}")
    check(not os.path.exists(os.path.join(d, "two.json")), "step Two wrote before it was cut off")
    p = run(["resume", "j.jsonl", "--unknown", "rerun"], d)
    check(p.returncode == 0, f"resume: exit {p.returncode}", p.stdout, p.stderr)
    check(marks(d) == ["one", "two-start", "two-start", "two-end"], f"marks after resume: {marks(d)}")
    got = json.load(open(os.path.join(d, "two.json")))
    want = {"nodes": ["a", "b"], "tags": ["t 1", "t,2", 3], "zones": ["z1", "z2"],
            "opts": {"retries": 2, "mode": {"fast": True}},
            "state": {"done": ["one"], "seen": {"nodes": ["a", "b"]}}}
    check(got == want, f"the resumed run's values: {got}")

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
    # the secret held in the global `token` is not in any step_end's state, and never anywhere
    states = [r for r in recs if r["rec"] == "step_end" and r["status"] == "ok"]
    check(states and all("state" in r for r in states), "every step_end ok carries the state of the globals")
    for r in states:
        names = [g["name"] for g in r["state"]["globals"]]
        check("token" not in names, "a secret global was checkpointed")
        check({"name": "token", "why": "secret"} in [{k: u[k] for k in ("name", "why")} for u in r["state"]["unsaved"]],
              "the secret global is listed as unsaved")
    check(not any(r["rec"] == "checkpoint" for r in recs), "no separate checkpoint record (a kill could come between)")
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
    check(begin["params"] == {"dir": d, "api_key": {"$secret": True}}, f"the begin record's params: {begin['params']}")
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
        if "state" in r:
            check("api_key" not in [g["name"] for g in r["state"]["globals"]], "the secret param was checkpointed")
    no_secret(d, API_KEY)


# A secret ask answered from --answers FILE (docs/cli.md "Answers"): the answer is masked in
# the output, the journal and the report, and the journal says where it came from.
ANSWER_RB = r'''runbook "Journal answers"
step "One" {
  let ticket = ask("Change ticket?")
  let pin = ask("PIN?", secret: true)
  sh("printf '%s' {pin} | wc -c")
  log("ticket {ticket}, pin {pin}")
}
'''
ANSWER_PIN = "Pin-9f8e7d-S3cret"


def case_secret_answer_not_journaled(d):
    with open(os.path.join(d, "a.rb"), "w") as f:
        f.write(ANSWER_RB)
    holder = tempfile.mkdtemp(prefix="rbk-answers-")  # the answers file holds the secret: not in d
    try:
        path = os.path.join(holder, "answers")
        with open(path, "w") as f:
            f.write(f"ticket=CHG-1234\npin={ANSWER_PIN}\n")
        os.chmod(path, 0o644)
        p = run(["run", "a.rb", "--answers", path, "--journal", "j.jsonl"], d)
        check(p.returncode == 64 and "others can read it (mode 0644): chmod 600" in p.stderr, "a readable secret file", p.stderr)
        check(not os.path.exists(os.path.join(d, "j.jsonl")) or "gate" not in open(os.path.join(d, "j.jsonl")).read(),
              "a refused run asked something")
        os.unlink(os.path.join(d, "j.jsonl")) if os.path.exists(os.path.join(d, "j.jsonl")) else None
        os.chmod(path, 0o600)
        p = run(["run", "a.rb", "--answers", path, "--journal", "j.jsonl", "--report", "r.json"], d)
        check(p.returncode == 0, f"run with --answers: exit {p.returncode}", p.stdout, p.stderr)
        check(f"gate   PIN? -> *** (--answers {path})" in p.stdout and "log    ticket CHG-1234, pin ***" in p.stdout,
              "the gate lines", p.stdout)
        gates = [json.loads(l) for l in open(os.path.join(d, "j.jsonl")) if '"rec":"gate"' in l]
        check([g["answer"] for g in gates] == [f"CHG-1234 (--answers {path})", f"*** (--answers {path})"], f"journaled answers: {gates}")
        no_secret(d, ANSWER_PIN)
    finally:
        shutil.rmtree(holder, ignore_errors=True)


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


def records(d, name="j.jsonl"):
    """Every line of the journal parses as a JSON object (a journal of whole records)."""
    out = []
    for n, raw in enumerate(open(os.path.join(d, name), "rb"), 1):
        try:
            out.append(json.loads(raw.decode("utf-8")))
        except (UnicodeDecodeError, ValueError) as ex:
            raise AssertionError(f"{name}:{n} is not a valid JSON record ({ex}): {raw[:200]!r}")
    return out


# Finding 2, "written before it is known": a URL password in a non-secret env value (and in a
# param) is a secret from before step 1 — in the begin record, in every event before
# sql.connect — and resume compares only the parts that are not secret, and never shows it.
URL_RB = r'''runbook "Journal URL"
param dir: string
param url: string = "none"
env JT_DATABASE_URL
env JT_DSN optional
step "One" {
  log("connecting to {env.JT_DATABASE_URL} via {url}")
  sh("echo one >> {dir}/marks; echo {env.JT_DATABASE_URL} > /dev/null")
}
step "Two" {
  sh("echo two >> {dir}/marks")
}
'''
URL_PW = "Pw-Canary-4242"
PARAM_PW = "Param-Canary-77"
KV_PW = "Kv-Canary-99"


def case_url_password_masked_before_connect(d):
    with open(os.path.join(d, "u.rb"), "w") as f:
        f.write(URL_RB)
    url = f"postgresql://app:{URL_PW}@127.0.0.1:1/app"
    envs = {"JT_DATABASE_URL": url, "JT_DSN": f"host=127.0.0.1 password={KV_PW} dbname=app"}
    p = run(["run", "u.rb", "--param", f"dir={d}", "--param", f"url=postgres://u:{PARAM_PW}@db/x", "--journal", "j.jsonl",
             "--fail-at", "Two", "--on-failure", "stop", "--log-format", "json", "--report", "r.json"], d, envs)
    check(p.returncode == 3, f"--fail-at Two --on-failure stop: exit {p.returncode}", p.stdout, p.stderr)
    for pw in (URL_PW, PARAM_PW, KV_PW):
        check(pw not in p.stdout and pw not in p.stderr, f"the password {pw} is in the output", p.stdout, p.stderr)
        no_secret(d, pw)
    begin = records(d)[0]
    check(begin["env"]["JT_DATABASE_URL"] == {"$masked": "postgresql://app:***@127.0.0.1:1/app"}, f"begin env: {begin['env']}")
    check(begin["params"]["url"] == {"$masked": "postgres://u:***@db/x"}, f"begin params: {begin['params']}")
    check(begin["params"]["dir"] == d, "a plain param is held exactly")
    # resume: the masked param is given again (it cannot come from the journal)
    p = run(["resume", "j.jsonl"], d, envs)
    check(p.returncode == 64 and "parameter url" in p.stderr and "masked" in p.stderr, "the masked param is asked for", p.stderr)
    # another host is another environment: refused, and the message shows no password
    other = dict(envs, JT_DATABASE_URL=f"postgresql://app:{URL_PW}@10.0.0.9:1/app")
    p = run(["resume", "j.jsonl", "--param", f"url=postgres://u:{PARAM_PW}@db/x"], d, other)
    check(p.returncode == 64 and "JT_DATABASE_URL was" in p.stderr and "10.0.0.9" in p.stderr, "a changed env is refused", p.stderr)
    p2 = run(["resume", "j.jsonl", "--param", f"url=postgres://u:{PARAM_PW}@other/x"], d, envs)
    check(p2.returncode == 64 and "--param url: not the value the run started with" in p2.stderr, "a changed masked param is refused",
          p2.stderr)
    for out in (p.stderr, p2.stderr):
        for pw in (URL_PW, PARAM_PW, KV_PW):
            check(pw not in out, f"a refusal prints the password {pw}", out)
    check(marks(d) == ["one", "two"], f"a refused resume ran something: {marks(d)}")
    p = run(["resume", "j.jsonl", "--param", f"url=postgres://u:{PARAM_PW}@db/x"], d, envs)
    check(p.returncode == 3, f"resume with the same values (--fail-at Two again): exit {p.returncode}", p.stdout, p.stderr)
    check("these effects of the last attempt run again" in p.stderr, "the operator is told that Two's effect runs again", p.stderr)
    check(marks(d) == ["one", "two", "two"], f"step One ran again: {marks(d)}")
    for pw in (URL_PW, PARAM_PW, KV_PW):
        check(pw not in p.stdout and pw not in p.stderr, f"the password {pw} is in the output", p.stdout, p.stderr)
        no_secret(d, pw)


# Finding 3: resume acted on the masked text of a param that held a secret.
MASKED_PARAM_RB = r'''runbook "Journal masked param"
param dir: string
param target: string
param n: int = 1
env JT_SECRET secret
step "One" {
  sh("echo one >> {dir}/marks")
}
step "Two" {
  sh("echo two-start >> {dir}/marks; if [ -e {dir}/slow ]; then sleep 30; fi")
  sh("printf '%s' {target} | sha256sum | cut -c1-12 >> {dir}/marks")
}
'''


def case_param_holding_a_secret_resumes_with_its_real_value(d):
    with open(os.path.join(d, "m.rb"), "w") as f:
        f.write(MASKED_PARAM_RB)
    target = f"svc-{SECRET}-blue"
    h = hashlib.sha256(target.encode()).hexdigest()[:12]
    # a refusal before step 1 that quotes a value holding a secret shows it masked
    p = run(["run", "m.rb", "--param", f"dir={d}", "--param", f"target={target}", "--param", f"n=x{SECRET}"], d)
    check(p.returncode == 64 and "--param n=x***: not a valid int" in p.stderr, f"exit {p.returncode}", p.stderr)
    check(SECRET not in p.stderr + p.stdout, "a refusal prints the secret", p.stderr)
    open(os.path.join(d, "slow"), "w").close()
    p = start(["run", "m.rb", "--param", f"dir={d}", "--param", f"target={target}", "--journal", "j.jsonl"], d)
    wait_for(os.path.join(d, "marks"), "two-start")
    kill_group(p)
    os.unlink(os.path.join(d, "slow"))
    begin = records(d)[0]
    check(begin["params"]["target"] == {"$masked": "svc-***-blue"}, f"begin params: {begin['params']}")
    p = run(["resume", "j.jsonl", "--unknown", "rerun"], d)
    check(p.returncode == 64 and "parameter target" in p.stderr, "the masked param must be given again", p.stderr)
    p = run(["resume", "j.jsonl", "--unknown", "rerun", "--param", "target=svc-other-blue"], d)
    check(p.returncode == 64 and "not the value the run started with" in p.stderr, "another value is refused", p.stderr)
    check(SECRET not in p.stderr and SECRET not in p.stdout, "a refusal prints the secret", p.stderr)
    p = run(["resume", "j.jsonl", "--unknown", "rerun", "--param", f"target={target}"], d)
    check(p.returncode == 0, f"resume with the value: exit {p.returncode}", p.stdout, p.stderr)
    check(marks(d) == ["one", "two-start", "two-start", h], f"the resumed run used the real value: {marks(d)}")
    no_secret(d)


# Finding 3: bytes that are not UTF-8 in a command's output, in an error that quotes stderr, in
# a log line, and in a global set by a completed step.
UTF8_RB = r'''runbook "Journal bytes"
param dir: string
let raw = ""
let nul = ""
step "One" {
  let r = sh("printf 'caf\\351 \\377\\376 ok'")
  raw = r.stdout
  nul = sh("printf 'a\\000b'").stdout
  log("got {r.stdout}")
  let e = sh("printf 'bad \\377 err' >&2; exit 3", check: false)
  log(e.stderr)
  sh("echo one >> {dir}/marks")
}
step "Two" {
  sh("printf '%s' {raw} | od -An -tx1 | tr -d ' \n' >> {dir}/marks; echo >> {dir}/marks; echo nul={len(nul)} >> {dir}/marks")
  sh("printf 'oops \\377\\n' >&2; exit 1")
}
'''


def case_invalid_utf8_in_the_journal_and_the_json_log(d):
    with open(os.path.join(d, "b.rb"), "w") as f:
        f.write(UTF8_RB)
    p = subprocess.run([RUNBOOK, "run", "b.rb", "--param", f"dir={d}", "--journal", "j.jsonl", "--on-failure", "stop",
                        "--log-format", "json"], cwd=d, env=env(), stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    check(p.returncode == 3, f"step Two fails, --on-failure stop: exit {p.returncode}", p.stdout.decode("utf-8", "replace"))
    for n, line in enumerate(p.stdout.splitlines(), 1):
        try:
            json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as ex:
            raise AssertionError(f"--log-format json line {n} is not valid JSON ({ex}): {line[:200]!r}")
    recs = records(d)
    check(any("oops" in (r.get("text") or "") for r in recs), "the error quoting stderr is journaled")
    p = run(["resume", "j.jsonl"], d)
    check(p.returncode == 3, f"resume: exit {p.returncode} (step Two fails again)", p.stdout, p.stderr)
    m = marks(d)
    check(m.count("one") == 1 and m.count("636166e920fffe206f6b") == 2 and m.count("nul=3") == 2,
          f"the globals hold the exact bytes after the resume: {m}")


# Finding 3: no lock — a resume while the run is alive, and two resumes at once.
def case_lock_one_process_continues_a_run(d):
    setup(d)
    open(os.path.join(d, "slow"), "w").close()
    p = start(["run", "j.rb", "--param", f"dir={d}", "--journal", "j.jsonl"], d)
    wait_for(os.path.join(d, "marks"), "two-start")
    q = run(["resume", "j.jsonl", "--unknown", "rerun"], d)
    check(q.returncode == 64 and "in use" in q.stderr and f"pid {p.pid}" in q.stderr, "a resume while the run is alive", q.stderr)
    kill_group(p)
    check(marks(d) == ["one", "two-start"], f"the refused resume ran something: {marks(d)}")
    # the first resume blocks in step Two (slow is still there); a second one is refused
    r1 = start(["resume", "j.jsonl", "--unknown", "rerun"], d)
    end = time.time() + 20
    while marks(d).count("two-start") < 2 and time.time() < end:
        time.sleep(0.05)
    q = run(["resume", "j.jsonl", "--unknown", "rerun"], d)
    check(q.returncode == 64 and "in use" in q.stderr and f"pid {r1.pid}" in q.stderr, "a second resume", q.stderr)
    kill_group(r1)
    os.unlink(os.path.join(d, "slow"))
    check(marks(d) == ["one", "two-start", "two-start"], f"marks: {marks(d)}")
    q = run(["resume", "j.jsonl", "--unknown", "done"], d)
    check(q.returncode == 0, f"the last resume: exit {q.returncode}", q.stdout, q.stderr)
    check(marks(d) == ["one", "two-start", "two-start", "three"], f"marks: {marks(d)}")


# Finding 3: a global set to a secret inside a completed step held its old value.
SECRET_GLOBAL_RB = r'''runbook "Journal secret global"
param dir: string
env JT_SECRET secret
let token = "none"
let count = 0
step "Login" {
  token = env.JT_SECRET + "-session"
  count = count + 1
}
step "Use" {
  sh("echo two-start >> {dir}/marks; if [ -e {dir}/slow ]; then sleep 30; fi")
  sh("printf '%s' {token} | sha256sum | cut -c1-12 >> {dir}/marks")
  sh("echo count={count} >> {dir}/marks")
}
'''


def killed_in_use(d, name, source):
    """Runs source (saved as name) with a journal and kills it inside the step that marks two-start."""
    with open(os.path.join(d, name), "w") as f:
        f.write(source)
    open(os.path.join(d, "slow"), "w").close()
    p = start(["run", name, "--param", f"dir={d}", "--journal", "j.jsonl"], d)
    wait_for(os.path.join(d, "marks"), "two-start")
    kill_group(p)
    os.unlink(os.path.join(d, "slow"))


def case_secret_global_of_a_completed_step_is_not_stale(d):
    killed_in_use(d, "g.rb", SECRET_GLOBAL_RB)
    p = run(["resume", "j.jsonl", "--unknown", "rerun"], d)
    stale = hashlib.sha256(b"none").hexdigest()[:12]
    check(stale not in marks(d), f"the resumed run used the stale value: {marks(d)}")
    check(p.returncode == 1 and "`token` cannot be read after the resume" in p.stdout, f"reading it is an error: exit {p.returncode}",
          p.stdout, p.stderr)
    check(marks(d) == ["two-start", "two-start"], f"nothing after the read ran: {marks(d)}")
    no_secret(d)


TIME_GLOBAL_RB = r'''runbook "Journal time global"
param dir: string
let started = time.parse("2000-01-01T00:00:00Z")
step "Stamp" {
  started = now()
}
step "Use" {
  sh("echo two-start >> {dir}/marks; if [ -e {dir}/slow ]; then sleep 30; fi")
  sh("echo at={started} plus={started + 1500ms} >> {dir}/marks")
}
'''


def case_time_global_restored_exactly(d):
    # a time set by a completed step comes back from the journal as the same time (not the
    # top-level value, not a string: it still takes + 1500ms), to the millisecond
    killed_in_use(d, "t.rb", TIME_GLOBAL_RB)
    recs = [json.loads(l) for l in open(os.path.join(d, "j.jsonl")) if l.strip().startswith("{")]
    saved = [g["v"] for r in recs if r["rec"] == "step_end" for g in r["state"]["globals"] if g["name"] == "started"]
    check(len(saved) == 1 and isinstance(saved[0], dict) and list(saved[0]) == ["$time"], f"the time in the state: {saved}")
    at = saved[0]["$time"]
    time.sleep(0.05)  # a new now() would differ
    p = run(["resume", "j.jsonl", "--unknown", "rerun"], d)
    check(p.returncode == 0, f"resume: exit {p.returncode}", p.stdout, p.stderr)
    got = [m for m in open(os.path.join(d, "marks")).read().split() if m.startswith("at=")]
    check(got == [f"at={at}"], f"the restored time: {got}, journal {at}")
    check("plus=" in open(os.path.join(d, "marks")).read(), "a time after the resume")


def traced_env():
    """LeakSanitizer cannot run under ptrace: an ASan build traced by strace checks all but leaks."""
    e = env()
    e["ASAN_OPTIONS"] = ":".join(x for x in [e.get("ASAN_OPTIONS", ""), "detect_leaks=0"] if x)
    return e


def strace_run(args, d, *strace_args):
    return subprocess.run(["strace", "-o", "/dev/null", *strace_args, RUNBOOK] + args, cwd=d, env=traced_env(),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace", timeout=60)


# Finding 3: a journal that cannot be written (ENOSPC / EIO, injected with strace; and a real
# full tmpfs where this host lets us mount one).
def case_journal_cannot_be_written(d):
    if not shutil.which("strace"):
        raise AssertionError("strace is not installed (scripts/setup.sh installs it)")
    setup(d)
    # the begin record: refused before step 1, nothing run, nothing left in the file
    p = strace_run(["run", "j.rb", "--param", f"dir={d}", "--journal", "j.jsonl"], d,
                   "-P", os.path.join(d, "j.jsonl"), "-e", "trace=write", "-e", "inject=write:error=ENOSPC:when=1")
    check(p.returncode == 64 and "nothing was run" in p.stderr and "No space left" in p.stderr, f"begin not written: exit {p.returncode}",
          p.stdout, p.stderr)
    check(marks(d) == [] and os.path.getsize(os.path.join(d, "j.jsonl")) == 0, f"something ran, or a partial record is left: {marks(d)}")
    os.unlink(os.path.join(d, "j.jsonl"))
    # a later record: the effect whose intent is not on disk does not start; the run stops (4)
    ref = os.path.join(d, "ref")
    os.mkdir(ref)
    setup(ref)
    q = run(["run", "j.rb", "--param", f"dir={ref}", "--journal", "j.jsonl"], ref)
    check(q.returncode == 0, f"reference run: exit {q.returncode}", q.stdout, q.stderr)
    recs = records(ref)
    k = next(i for i, r in enumerate(recs, 1) if r["rec"] == "effect_start" and "two-start" in r.get("target", ""))
    p = strace_run(["run", "j.rb", "--param", f"dir={d}", "--journal", "j.jsonl"], d,
                   "-e", "trace=fdatasync", "-e", f"inject=fdatasync:error=EIO:when={k}")
    check(p.returncode == 4, f"a record not written mid-run: exit {p.returncode}", p.stdout, p.stderr)
    check("could not be written" in p.stderr and "Input/output error" in p.stderr, "the operator is told", p.stderr)
    check(marks(d) == ["one"], f"an effect started without its intent on disk: {marks(d)}")
    check(len(records(d)) == k - 1, f"the journal holds the {k - 1} whole records before the failed one")
    p = run(["resume", "j.jsonl"], d)
    check(p.returncode == 0, f"resume once the cause is gone: exit {p.returncode}", p.stdout, p.stderr)
    check(marks(d) == ["one", "two-start", "two-end", "three"], f"marks after the resume: {marks(d)}")
    # a real full file system, when this host lets us mount one
    mnt = os.path.join(d, "small")
    os.mkdir(mnt)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8k", "tmpfs", mnt], capture_output=True).returncode != 0:
        print("note: cannot mount a tmpfs here: the full-disk part ran with injected errors only")
        return
    try:
        with open(os.path.join(d, "big.rb"), "w") as f:
            f.write('runbook "Full"\nparam dir: string\n' + "".join(
                f'step "S{i}" {{\n  log("{"x" * 1500}")\n  sh("echo s{i} >> {{dir}}/marks")\n}}\n' for i in range(8)))
        open(os.path.join(d, "marks"), "w").close()
        p = run(["run", "big.rb", "--param", f"dir={d}", "--journal", os.path.join(mnt, "j.jsonl")], d)
        check(p.returncode == 4 and "No space left" in p.stderr, f"a full tmpfs: exit {p.returncode}", p.stdout, p.stderr)
        recs = records(mnt)
        started = [r["target"] for r in recs if r["rec"] == "effect_start"]
        check(len(marks(d)) == len(started), f"every effect that ran has its intent on disk: marks {marks(d)}, intents {started}")
    finally:
        subprocess.run(["umount", mnt], capture_output=True)


# Finding 3: the resumed step does something else than before the cut (a value it read
# changed): the effects it recorded cannot be matched; the run stops instead of guessing.
DIVERGE_RB = r'''runbook "Journal diverges"
param dir: string
step "One" {
  let n = trim(file.read("{dir}/nonce"))
  sh("echo first-{n} >> {dir}/marks")
  sh("echo two-start >> {dir}/marks; if [ -e {dir}/slow ]; then sleep 30; fi")
}
'''


FEWER_RB = r'''runbook "Journal fewer"
param dir: string
step "One" {
  sh("echo first >> {dir}/marks")
  if file.exists("{dir}/more") {
    sh("echo more >> {dir}/marks; kill -9 $PPID")
  }
}
'''


def case_resumed_step_that_takes_another_path_stops(d):
    with open(os.path.join(d, "v.rb"), "w") as f:
        f.write(DIVERGE_RB)
    open(os.path.join(d, "nonce"), "w").write("a\n")
    open(os.path.join(d, "slow"), "w").close()
    p = start(["run", "v.rb", "--param", f"dir={d}", "--journal", "j.jsonl"], d)
    wait_for(os.path.join(d, "marks"), "two-start")
    kill_group(p)
    os.unlink(os.path.join(d, "slow"))
    open(os.path.join(d, "nonce"), "w").write("b\n")
    p = run(["resume", "j.jsonl", "--unknown", "rerun"], d)
    check(p.returncode == 2 and "no longer does what it did" in p.stdout and "first-" in p.stdout, f"exit {p.returncode}",
          p.stdout, p.stderr)
    check(marks(d) == ["first-a", "two-start"], f"an effect ran on a guess: {marks(d)}")
    # fewer effects than before the cut: the one it no longer reaches happened (or may have)
    with open(os.path.join(d, "w.rb"), "w") as f:
        f.write(FEWER_RB)
    open(os.path.join(d, "more"), "w").close()
    p = run(["run", "w.rb", "--param", f"dir={d}", "--journal", "k.jsonl"], d)
    check(p.returncode in (137, -9), f"the effect kills the runner: exit {p.returncode}", p.stdout, p.stderr)
    os.unlink(os.path.join(d, "more"))
    p = run(["resume", "k.jsonl", "--unknown", "rerun"], d)
    check(p.returncode == 2 and "this step ended before it did what it did" in p.stdout and "echo more" in p.stdout,
          f"exit {p.returncode}", p.stdout, p.stderr)
    check(marks(d) == ["first-a", "two-start", "first", "more"], f"marks: {marks(d)}")


# SQL inside a transaction the run died with: the server rolled it back when the runner's
# connection dropped, so the statements of that transaction are not replayed as done.
SQL_TXN_RB = r'''runbook "Journal SQL transaction"
param dir: string
param table: string
env RBK_PG_URL
let db = sql.connect(env.RBK_PG_URL)
step "Txn" {
  let t = db.scalar("SELECT replace(clock_timestamp()::text, ' ', 'T')")
  sh("echo t={t} >> {dir}/marks")
  db.exec("BEGIN")
  db.exec("INSERT INTO {table:ident} VALUES (1)")
  sh("echo in-txn >> {dir}/marks; if [ -e {dir}/slow ]; then sleep 30; fi")
  db.exec("COMMIT")
  db.exec("INSERT INTO {table:ident} VALUES (2)")
} rollback {
  db.exec("DELETE FROM {table:ident}")
}
step "Check" {
  expect db.scalar("SELECT count(*) FROM {table:ident}") == 2
}
'''


def case_sql_transaction_open_when_the_run_died(d):
    pg = SERVICES.get("RBK_PG_URL")
    if not pg:
        raise AssertionError("RBK_PG_URL is not in the services env (give --services-env; ctest starts the services)")
    table = f"jt_txn_{os.getpid()}_{int(time.time() * 1000) % 100000}"
    with open(os.path.join(d, "t.rb"), "w") as f:
        f.write(SQL_TXN_RB)
    setup_rb = os.path.join(d, "setup.rb")
    with open(setup_rb, "w") as f:
        f.write('runbook "t"\nparam table: string\nparam stmt: string\nenv RBK_PG_URL\nlet db = sql.connect(env.RBK_PG_URL)\n'
                'step "S" {\n  db.exec(stmt)\n} rollback {\n  log("none")\n}\n')
    e = {"RBK_PG_URL": pg}
    p = run(["run", "setup.rb", "--param", f"table={table}", "--param", f"stmt=CREATE TABLE {table} (v int)"], d, e)
    check(p.returncode == 0, f"create table: exit {p.returncode}", p.stdout, p.stderr)
    try:
        open(os.path.join(d, "slow"), "w").close()
        p = start(["run", "t.rb", "--param", f"dir={d}", "--param", f"table={table}", "--journal", "j.jsonl"], d, e)
        wait_for(os.path.join(d, "marks"), "in-txn")
        kill_group(p)
        os.unlink(os.path.join(d, "slow"))
        q = run(["resume", "j.jsonl", "--unknown", "rerun"], d, e)
        check("inside a transaction that was still open" in q.stderr and "BEGIN" in q.stderr, "the rolled-back statements are named",
              q.stderr)
        check(q.returncode == 0, f"resume: exit {q.returncode} (the transaction was rolled back: its statements run again)",
              q.stdout, q.stderr)
        stamps = [m for m in marks(d) if m.startswith("t=")]
        check(len(stamps) == 1 and marks(d).count("in-txn") == 2,
              f"the query before the transaction was run again, not replayed (its value changed): {marks(d)}")
    finally:
        run(["run", "setup.rb", "--param", f"table={table}", "--param", f"stmt=DROP TABLE IF EXISTS {table}"], d, e)


# Sibling: --from did not come from the journal: a run killed before it had skipped the steps
# before STEP had them run by the resume.
def case_from_comes_from_the_journal(d):
    if not shutil.which("strace"):
        raise AssertionError("strace is not installed (scripts/setup.sh installs it)")
    setup(d)
    p = strace_run(["run", "j.rb", "--param", f"dir={d}", "--journal", "j.jsonl", "--from", "Two"], d,
                   "-e", "trace=fdatasync", "-e", "inject=fdatasync:signal=SIGKILL:when=2")
    check(p.returncode in (137, -9), f"killed after its second record: exit {p.returncode}", p.stdout, p.stderr)
    check([r["rec"] for r in records(d)] == ["begin", "run_start"], "the journal ends before the skipped steps")
    ref = os.path.join(d, "ref")
    os.mkdir(ref)
    setup(ref)
    q = run(["run", "j.rb", "--param", f"dir={ref}", "--from", "Two"], ref)
    p = run(["resume", "j.jsonl"], d)
    check(p.returncode == q.returncode, f"resume: exit {p.returncode}, an uninterrupted run {q.returncode}", p.stdout, p.stderr)
    check("one" not in marks(d) and marks(d) == marks(ref), f"a step before --from ran: {marks(d)}, not {marks(ref)}")


# Replay of an HTTP call: the recorded response (status, headers, body, its json) is what the
# call returns on the resume, and the request is not sent again (the fixture counts the hits).
HTTP_RB = r'''runbook "Journal HTTP"
param dir: string
param base: string
param key: string
let first = 0
step "Post" {
  let r = http.post("{base}/flaky/{key}/1000", body: "x")
  first = r.json.attempt
  sh("echo status={r.status} attempt={r.json.attempt} >> {dir}/marks")
  sh("echo two-start >> {dir}/marks; if [ -e {dir}/slow ]; then sleep 30; fi")
  let again = http.get("{base}/flaky/{key}/1000")
  sh("echo first={first} now={again.json.attempt} >> {dir}/marks")
}
'''


def case_http_call_replayed_not_sent_again(d):
    base = SERVICES.get("RBK_HTTP_URL")
    if not base:
        raise AssertionError("RBK_HTTP_URL is not in the services env (give --services-env; ctest starts the services)")
    with open(os.path.join(d, "h.rb"), "w") as f:
        f.write(HTTP_RB)
    key = f"jt-{os.getpid()}-{int(time.time() * 1000) % 100000}"
    open(os.path.join(d, "slow"), "w").close()
    p = start(["run", "h.rb", "--param", f"dir={d}", "--param", f"base={base}", "--param", f"key={key}", "--journal", "j.jsonl"], d)
    wait_for(os.path.join(d, "marks"), "two-start")
    kill_group(p)
    os.unlink(os.path.join(d, "slow"))
    p = run(["resume", "j.jsonl", "--unknown", "rerun"], d)
    check(p.returncode == 0, f"resume: exit {p.returncode}", p.stdout, p.stderr)
    check(marks(d) == ["status=503", "attempt=1", "two-start", "two-start", "first=1", "now=2"],
          f"the POST was sent again, or its response not replayed: {marks(d)}")


# --time-scale is the journal's (docs/journal.md): a rehearsal's resume goes on as the same
# rehearsal, and neither another scale nor --no-wait is taken; a real run's resume stays real.
def case_time_scale_kept_by_resume(d):
    setup(d)
    open(os.path.join(d, "slow"), "w").close()
    p = start(["run", "j.rb", "--param", f"dir={d}", "--journal", "j.jsonl", "--time-scale", "60"], d)
    wait_for(os.path.join(d, "marks"), "two-start")
    kill_group(p)
    os.unlink(os.path.join(d, "slow"))
    begin = records(d)[0]
    check(begin.get("time_scale") == 60 and begin.get("rehearsal") == "time scaled 1/60", f"the begin record: {begin}")
    for extra in (["--time-scale", "30"], ["--no-wait"]):
        p = run(["resume", "j.jsonl"] + extra, d)
        check(p.returncode == 64 and "the run was started as a rehearsal, time scaled 1/60" in p.stderr,
              f"resume {extra}: exit {p.returncode}", p.stdout, p.stderr)
    p = run(["resume", "j.jsonl", "--unknown", "rerun"], d)
    check(p.returncode == 0 and "REHEARSAL: time scaled 1/60" in p.stdout, f"resume: exit {p.returncode}", p.stdout, p.stderr)
    real = os.path.join(d, "real")
    os.mkdir(real)
    killed_in_two(real)
    p = run(["resume", "j.jsonl", "--time-scale", "60"], real)
    check(p.returncode == 64 and "started in real time" in p.stderr, f"resume of a real run: exit {p.returncode}", p.stdout, p.stderr)


def main():
    global RUNBOOK
    ap = argparse.ArgumentParser()
    ap.add_argument("--runbook", required=True)
    ap.add_argument("-k", default="")
    ap.add_argument("--services-env", default="")
    a = ap.parse_args()
    RUNBOOK = os.path.abspath(a.runbook)
    if a.services_env and os.path.exists(a.services_env):
        for line in open(a.services_env):
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                SERVICES[k] = v
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
