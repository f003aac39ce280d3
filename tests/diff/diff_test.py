#!/usr/bin/env python3
"""tests/diff/diff_test.py — `runbook diff` (docs/diff.md), end to end.

The corpus is tests/diff/corpus.py: base.rb (tests/diff/cases/) and one change per case,
written into a scratch directory (the runs are made there, so the paths printed are the file
names). The goldens are
tests/diff/expected/NAME.txt: the text output (NO_COLOR) followed by a line `[exit N]`; for the
cases in FORMATS also NAME.json, NAME.md, NAME.github. The JSON's artifact hashes are masked
(they belong to the code generator, not to diff). Suites:
  goldens    every case against its goldens
  inputs     .rbc inputs (compiled here: the same changes as the .rb), a git revision
             (`--git REV FILE`, `REV:PATH`, modules at the revision, a path missing at it, not
             a repository), a side that does not compile (65, its position), colour on a
             terminal unless NO_COLOR, usage errors (64)
  props      for every runbook of the corpus and of examples/: `runbook fmt` of it is equal to
             it (exit 0, "the procedures are equal"); diff A B and diff B A agree on equal/differ

usage: diff_test.py --runbook BIN SUITE [--update]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CASES = None  # the scratch directory the corpus is written into (main)
EXPECTED = os.path.join(HERE, "expected")
FORMATS = {
    "gate-after-pnr": ["json", "markdown", "github"],
    "irreversible-pnr-earlier": ["json", "github"],
    "identical": ["json"],
    "stop-if-removed": ["markdown"],
    "per-item-batch": ["json"],
}
EXT = {"json": "json", "markdown": "md", "github": "github"}
SHA = re.compile(r'("artifact_sha256": )"[0-9a-f]{64}"')
FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
    return cond


def run(rb, args, cwd=None, env=None):
    e = dict(os.environ)
    e["NO_COLOR"] = "1"
    e.pop("GIT_DIR", None)
    if env:
        e.update(env)
    p = subprocess.run([rb] + args, cwd=cwd or CASES, env=e, capture_output=True, timeout=300)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def pairs():
    return corpus.pairs()


def golden(path, got, update):
    if update:
        with open(path, "w", encoding="utf-8") as f:
            f.write(got)
        return
    if not check(os.path.exists(path), "missing golden %s (run with --update)" % os.path.relpath(path, ROOT)):
        return
    with open(path, encoding="utf-8") as f:
        want = f.read()
    if want != got:
        import difflib
        d = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "expected", "got"))
        check(False, "%s differs:\n%s" % (os.path.relpath(path, ROOT), d))


def suite_goldens(rb, update):
    ps = pairs()
    check(len(ps) >= 18, "the corpus has %d pairs" % len(ps))
    for name, old, new in ps:
        rc, out, err = run(rb, ["diff", old, new])
        check(err == "", "%s: stderr %r" % (name, err))
        golden(os.path.join(EXPECTED, name + ".txt"), out + "[exit %d]\n" % rc, update)
        for fmt in FORMATS.get(name, []):
            rc2, out2, err2 = run(rb, ["diff", old, new, "--format", fmt])
            check(rc2 == rc and err2 == "", "%s --format %s: exit %d, stderr %r" % (name, fmt, rc2, err2))
            if fmt == "json":
                doc = json.loads(out2)
                check(doc["equal"] == (rc == 0) and doc["dangerous"] == sum(c["dangerous"] for c in doc["changes"]),
                      "%s: the JSON's equal/dangerous disagree with its changes" % name)
            golden(os.path.join(EXPECTED, "%s.%s" % (name, EXT[fmt])), SHA.sub(r'\1"…"', out2), update)
    # the dangerous moves are flagged: each of these cases has a dangerous change, the others none
    dangerous = {"gate-after-pnr", "irreversible-pnr-earlier", "stop-if-removed", "rollback-removed",
                 "expect-weakened", "expect-inclusive", "step-removed", "per-item-batch"}
    for name, old, new in ps:
        rc, out, _ = run(rb, ["diff", old, new, "--format", "github"])
        has = "::warning " in out
        check(has == (name in dangerous), "%s: a ::warning annotation %s" % (name, "missing" if not has else "unexpected"))
        rc, out, _ = run(rb, ["diff", old, new])
        check((rc == 0) == (name in ("identical", "formatting")), "%s: exit %d" % (name, rc))


def suite_inputs(rb, tmp):
    # .rbc: recompiled from their embedded sources, the same changes as the .rb
    for name, old, new in [("rollback-removed", "base.rb", "rollback-removed.new.rb"), ("identical", "base.rb", "identical.new.rb")]:
        a, b = os.path.join(tmp, "a.rbc"), os.path.join(tmp, "b.rbc")
        check(run(rb, ["compile", old, "-o", a])[0] == 0 and run(rb, ["compile", new, "-o", b])[0] == 0, "compile " + name)
        rc1, o1, e1 = run(rb, ["diff", old, new])
        rc2, o2, e2 = run(rb, ["diff", a, b])
        check(rc1 == rc2 and e2 == "" and o1.split("\n", 1)[1] == o2.split("\n", 1)[1],
              ".rbc %s: %d %r vs %d %r %r" % (name, rc1, o1, rc2, o2, e2))
        rc3, o3, _ = run(rb, ["diff", old, b])  # one of each
        check(rc3 == rc1 and o3.split("\n", 1)[1] == o1.split("\n", 1)[1], ".rb against .rbc " + name)
    # a .rbc whose bytes are not an artifact: 65
    bad = os.path.join(tmp, "bad.rbc")
    with open(bad, "wb") as f:
        f.write(b"RBC\x00not really")
    rc, out, err = run(rb, ["diff", "base.rb", bad])
    check(rc == 65 and out == "" and "bad.rbc" in err, "bad .rbc: %d %r" % (rc, err))

    # git revisions, in a repository made here
    repo = os.path.join(tmp, "repo")
    os.makedirs(os.path.join(repo, "lib"))
    genv = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.invalid", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

    def git(*args):
        e = dict(os.environ)
        e.update(genv)
        subprocess.run(["git"] + list(args), cwd=repo, env=e, check=True, capture_output=True)

    if not check(shutil.which("git") is not None, "git is not installed"):
        return
    git("init", "-q")
    shutil.copy(os.path.join(CASES, "base.rb"), os.path.join(repo, "deploy.rb"))
    # a module the runbook uses: read at the revision, not from the working tree
    with open(os.path.join(repo, "lib", "checks.rb"), "w") as f:
        f.write('fn healthy() {\n  expect sh("curl -fsS http://127.0.0.1/healthz", read_only: true).code == 0\n}\n')
    with open(os.path.join(repo, "app.rb"), "w") as f:
        f.write('use "./lib/checks.rb"\nstep "Check" {\n  checks.healthy()\n}\n')
    git("add", ".")
    git("commit", "-qm", "one")
    shutil.copy(os.path.join(CASES, "stop-if-removed.new.rb"), os.path.join(repo, "deploy.rb"))
    rc2, out2, _ = run(rb, ["diff", "base.rb", "stop-if-removed.new.rb"])
    for args, old in ((["--git", "HEAD", "deploy.rb"], "HEAD:./deploy.rb"), (["HEAD:deploy.rb", "deploy.rb"], "HEAD:deploy.rb")):
        rc, out, err = run(rb, ["diff"] + args, cwd=repo)
        # the same changes as between the files, named as given
        same = out.replace(old + ":", "base.rb:").replace(old + " →", "base.rb →").replace("deploy.rb", "stop-if-removed.new.rb")
        check(rc == 1 and err == "" and same == out2, "%s: %d %r %r" % (args, rc, out, err))
    rc, out, err = run(rb, ["diff", "--git", "HEAD", "deploy.rb"], cwd=os.path.join(repo, "lib"))
    check(rc == 64 and "does not exist" in err, "--git from a subdirectory, path missing: %d %r" % (rc, err))
    # the module changed in the working tree only: HEAD's app.rb reads HEAD's module
    with open(os.path.join(repo, "lib", "checks.rb"), "w") as f:
        f.write('fn healthy() {\n  log("no check")\n}\n')
    rc, out, err = run(rb, ["diff", "--git", "HEAD", "app.rb"], cwd=repo)
    check(rc == 1 and "expect removed" in out, "a module at the revision: %d %r %r" % (rc, out, err))
    for args, what in [(["--git", "HEAD", "nope.rb"], "path 'nope.rb' does not exist"),
                       (["HEAD~3:deploy.rb", "deploy.rb"], "HEAD~3"),
                       (["--git", "HEAD", "base.rbc"], "a .rbc at a git revision")]:
        rc, out, err = run(rb, ["diff"] + args, cwd=repo)
        check(rc == 64 and out == "" and what in err and "runbook diff:" in err, "git error %s: %d %r" % (args, rc, err))
    rc, out, err = run(rb, ["diff", "HEAD:deploy.rb", os.path.join(repo, "deploy.rb")], cwd=tmp)
    check(rc == 64 and "not a git repository" in err, "outside a repository: %d %r" % (rc, err))

    # a side that does not compile: its errors with their position, 65, nothing on stdout
    broken = os.path.join(tmp, "broken.rb")
    with open(broken, "w") as f:
        f.write('step "x" {\n  expect nope == 1\n}\n')
    for args in (["base.rb", broken], [broken, "base.rb"]):
        rc, out, err = run(rb, ["diff"] + args)
        check(rc == 65 and out == "" and "broken.rb:2:10: error: unknown name `nope`" in err, "compile error %s: %d %r" % (args, rc, err))
    # colour on a terminal, none with NO_COLOR (or off a terminal: the goldens)
    for no_color, want in ((None, True), ("1", False)):
        out = on_pty(rb, ["diff", "base.rb", "stop-if-removed.new.rb"], no_color)
        check(("\x1b[31m" in out) == want and "stop-if removed" in out, "on a terminal, NO_COLOR=%s: %r" % (no_color, out[:300]))
    # usage
    for args, what in [([], "give OLD and NEW"), (["base.rb"], "give OLD and NEW"), (["a", "b", "c"], "too many files"),
                       (["--format", "yaml", "a", "b"], "--format is text, markdown, json or github"),
                       (["--git"], "--git needs a value"), (["--git", "HEAD", "a", "b"], "--git REV takes one FILE"),
                       (["--bogus", "a", "b"], "unknown option --bogus"), (["base.rb", "missing.rb"], "cannot read missing.rb")]:
        rc, out, err = run(rb, ["diff"] + args)
        check(rc == 64 and out == "" and what in err, "usage %s: %d %r" % (args, rc, err))


def on_pty(rb, args, no_color):
    """What rb prints on a pseudo-terminal (NO_COLOR set to no_color, or unset)."""
    import pty
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(CASES)
        os.environ.pop("NO_COLOR", None)
        if no_color is not None:
            os.environ["NO_COLOR"] = no_color
        os.execv(rb, [rb] + args)
    out = b""
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
    os.waitpid(pid, 0)
    os.close(fd)
    return out.decode("utf-8", "replace")


def suite_props(rb, tmp):
    files = [os.path.join(CASES, f) for f in sorted(os.listdir(CASES)) if f.endswith(".rb")]
    for d in (os.path.join(ROOT, "examples"), os.path.join(ROOT, "tests", "golden", "plan")):
        files += [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith(".rb")]
    compared = 0
    for path in files:
        with open(path, "rb") as f:
            src = f.read()
        if b'use "./' in src or b"use '../" in src or b'use "../' in src:
            continue  # its modules are beside it: not copied
        p = subprocess.run([rb, "fmt", "-"], input=src, capture_output=True)
        if p.returncode != 0:
            continue  # syntax errors on purpose (a golden of errors)
        orig, out = os.path.join(tmp, "orig.rb"), os.path.join(tmp, "formatted.rb")
        with open(orig, "wb") as f:
            f.write(src)
        with open(out, "wb") as f:
            f.write(p.stdout)
        rc, o, e = run(rb, ["diff", "orig.rb", "formatted.rb"], cwd=tmp)
        if rc == 65 and run(rb, ["check", "orig.rb"], cwd=tmp)[0] == 65:
            continue  # a golden that does not compile on purpose
        compared += 1
        check(rc == 0 and "the procedures are equal" in o, "fmt of %s is not equal to it: %d %s %s" % (path, rc, o, e))
    check(compared >= 20, "only %d runbooks compared with their formatted copy" % compared)
    for name, old, new in pairs():
        a, _, _ = run(rb, ["diff", old, new])
        b, _, _ = run(rb, ["diff", new, old])
        check(a == b, "%s: diff A B exits %d, diff B A %d" % (name, a, b))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runbook", required=True)
    ap.add_argument("suite", choices=["goldens", "inputs", "props"])
    ap.add_argument("--update", action="store_true")
    o = ap.parse_args()
    rb = os.path.abspath(o.runbook)
    tmp = tempfile.mkdtemp(prefix="rbk-diff-")
    global CASES
    CASES = os.path.join(tmp, "corpus")
    os.makedirs(CASES)
    corpus.write(CASES)
    try:
        if o.suite == "goldens":
            suite_goldens(rb, o.update)
        elif o.suite == "inputs":
            suite_inputs(rb, tmp)
        else:
            suite_props(rb, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in FAILS:
        print("FAIL:", f)
    print("%s: %d failure(s)" % (o.suite, len(FAILS)))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
