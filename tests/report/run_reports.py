#!/usr/bin/env python3
"""tests/report/run_reports.py — snapshot tests of the evidence reports (docs/reports.md).

For every cases/NAME.rb: copies it into a fresh temporary directory, runs
    runbook run NAME.rb [# args:] --report NAME.md --report NAME.json --report NAME.xml
there (USER=report-tester, NO_COLOR=1, plus `# env:` values), and checks:
  - the exit code is `# exit: N` (default 0);
  - all three reports exist, are UTF-8 and hold no control character but newline and tab;
  - the JSON parses (json.loads) and its counts agree with its steps and the exit code;
  - the XML parses (xml.etree) and its testsuite counts agree with its testcases and the JSON
    (a testcase per step, then one per instance of a per-item step);
  - the instances of per-item steps agree with counts.instances (none of them counted as steps);
  - no `# secret: TEXT` appears in any report, nor in the run's stdout or stderr;
  - no AddressSanitizer / LeakSanitizer / UBSan report on stderr;
  - each report, normalised (times, durations, hashes, host), equals snapshots/NAME.EXT.
Then the refusals: a run refused before step 1 writes no report; a bad extension and a
missing directory are refused with exit 64 before anything runs; an existing report file is
replaced.

Annotations in a case (comment lines of their own): `# args: ...` (split like a shell),
`# env: NAME=value`, `# exit: N`, `# secret: TEXT` (each may repeat but exit).

Usage:
  python3 tests/report/run_reports.py --runbook build/runbook [--update] [--only NAME]
  python3 tests/report/run_reports.py --runbook build/runbook --selftest
--update rewrites the snapshots from this run (review the diff before committing).
--selftest proves the runner fails on a snapshot that differs and on a leaked secret.
Registered as ctest tests report.snapshots and report.runner-selftest (tests/report.cmake).
Exit: 0 all passed, 1 a failure, 2 usage.
"""
import argparse
import difflib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
FORMATS = ("md", "json", "xml")
SANITIZER = re.compile(r"(ERROR: (AddressSanitizer|LeakSanitizer)|^\S+\.[ch]:\d+:\d+: runtime error: )", re.M)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

NORMALISE = [
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"), "<TIME>"),
    (re.compile(r"\b[0-9a-f]{64}\b"), "<SHA256>"),
    (re.compile(r'"duration_ms": \d+'), '"duration_ms": 0'),
    (re.compile(r'\btime="\d+\.\d{3}"'), 'time="<T>"'),
    (re.compile(r"(?<![\w.])(?:\d+d)?(?:\d+h)?(?:\d+m(?!s))?(?:\d+(?:\.\d+)?s|\d+ms)(?!\w)"), "<DUR>"),
    (re.compile(r"^\| Host \| .* \|$", re.M), "| Host | <HOST> |"),
    (re.compile(r'"host": "(?:[^"\\]|\\.)*"'), '"host": "<HOST>"'),
    (re.compile(r'\bhostname="[^"]*"'), 'hostname="<HOST>"'),
]


def normalise(text):
    for rx, rep in NORMALISE:
        text = rx.sub(rep, text)
    return text


def parse_case(path):
    ann = {"args": [], "env": {}, "exit": 0, "secrets": []}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^#\s*(args|env|exit|secret):\s*(.*?)\s*$", line)
            if not m:
                continue
            key, val = m.groups()
            if key == "args":
                ann["args"] += shlex.split(val)
            elif key == "env":
                k, _, v = val.partition("=")
                ann["env"][k] = v
            elif key == "exit":
                ann["exit"] = int(val)
            else:
                ann["secrets"].append(val)
    return ann


def run(runbook, cwd, args, env_extra=None, timeout=120):
    env = dict(os.environ)
    env.update({"USER": "report-tester", "NO_COLOR": "1"})
    env.update(env_extra or {})
    p = subprocess.run([runbook] + args, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def check_json(doc, rc, problems):
    steps = doc["steps"]
    c = doc["counts"]
    if c["steps"] != len(steps):
        problems.append(f"json: counts.steps {c['steps']} != {len(steps)} steps")
    for key, status in (("ok", "ok"), ("failed", "failed"), ("stopped", "stopped"), ("skipped", "skipped"),
                        ("interrupted", "interrupted"), ("not_run", "not run"), ("unfinished", "unfinished")):
        n = sum(1 for s in steps if s["status"] == status)
        if c[key] != n:
            problems.append(f"json: counts.{key} is {c[key]}, the steps say {n}")
    if doc["exit_code"] != rc:
        problems.append(f"json: exit_code {doc['exit_code']} but the run exited {rc}")
    if doc["verdict"] != ("GO" if rc == 0 else "NO-GO"):
        problems.append(f"json: verdict {doc['verdict']} for exit {rc}")
    if [s["index"] for s in steps] != list(range(1, len(steps) + 1)):
        problems.append("json: step indexes are not 1..N")
    # the instances of per-item steps: counted apart from the steps, each in its step's list
    insts = [(s, i) for s in steps for i in (s["instances"] or [])]
    ic = c["instances"]
    if ic["per_item_steps"] != sum(1 for s in steps if s["instances"] is not None):
        problems.append(f"json: counts.instances.per_item_steps is {ic['per_item_steps']}")
    if ic["total"] != len(insts):
        problems.append(f"json: counts.instances.total is {ic['total']}, the steps hold {len(insts)}")
    for key in ("ok", "failed", "stopped", "skipped", "interrupted", "unfinished"):
        n = sum(1 for s, i in insts if i["status"] == key)
        if ic[key] != n:
            problems.append(f"json: counts.instances.{key} is {ic[key]}, the instances say {n}")
    if ic["tolerated"] != sum(1 for s, i in insts if i["tolerated"]):
        problems.append("json: counts.instances.tolerated differs from the instances")
    for s, i in insts:
        if i["tolerated"] and (i["status"] != "failed" or s["status"] not in ("ok", "skipped")):
            problems.append(f"json: instance {i['name']!r} tolerated but {i['status']} in a step {s['status']}")
    for s in steps:
        if s["instances"] is not None and [i["index"] for i in s["instances"]] != list(range(1, len(s["instances"]) + 1)):
            problems.append(f"json: instance indexes of step {s['index']} are not 1..N")


def check_xml(root, doc, problems):
    suites = root.findall("testsuite")
    if root.tag != "testsuites" or len(suites) != 1:
        problems.append("xml: expected <testsuites> with one <testsuite>")
        return
    suite = suites[0]
    cases = suite.findall("testcase")
    names = [tc.get("name") for tc in cases]
    top = [e for e in doc["outside_steps"] if e["type"] == "error"][:1]
    want = []
    for s in doc["steps"]:  # a testcase per step, then one per instance of it
        want += [s["name"]] + [i["name"] for i in (s["instances"] or [])]
    if names != want + ["top-level code" for e in top]:
        problems.append(f"xml: testcase names {names} differ from the JSON steps and instances (and top-level error)")
    counts = {"tests": len(cases),
              "failures": sum(len(tc.findall("failure")) for tc in cases),
              "errors": sum(len(tc.findall("error")) for tc in cases),
              "skipped": sum(len(tc.findall("skipped")) for tc in cases)}
    for el in (root, suite):
        for k, v in counts.items():
            if int(el.get(k, "-1")) != v:
                problems.append(f"xml: <{el.tag}> {k}={el.get(k)} but the testcases say {v}")
    c, ic = doc["counts"], doc["counts"]["instances"]
    if counts["failures"] != c["failed"] + ic["failed"] + sum(1 for e in top if e["status"] != "interrupted"):
        problems.append("xml: failures differ from the JSON's failed steps and instances")
    if counts["skipped"] != c["skipped"] + c["not_run"] + ic["skipped"]:
        problems.append("xml: skipped differs from the JSON's skipped + not run steps and skipped instances")
    tolerated = [tc.get("name") for tc in cases for f in tc.findall("failure") if f.get("type") == "tolerated"]
    if len(tolerated) != ic["tolerated"]:
        problems.append(f"xml: {len(tolerated)} failures of type tolerated, the JSON says {ic['tolerated']}")
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    if props.get("artifact_sha256") != doc["artifact_sha256"]:
        problems.append("xml: the artifact_sha256 property differs from the JSON")


def run_case(runbook, rb, snapdir, update):
    name = os.path.splitext(os.path.basename(rb))[0]
    ann = parse_case(rb)
    problems = []
    with tempfile.TemporaryDirectory(prefix="rbk-report-") as tmp:
        shutil.copy(rb, os.path.join(tmp, name + ".rb"))
        reports = [f"{name}.{ext}" for ext in FORMATS]
        args = ["run", name + ".rb"] + ann["args"]
        for r in reports:
            args += ["--report", r]
        rc, out, err = run(runbook, tmp, args, ann["env"])
        if rc != ann["exit"]:
            problems.append(f"exit {rc}, expected {ann['exit']}")
        if SANITIZER.search(err):
            problems.append("a sanitizer report on stderr")
        texts = {}
        for ext, r in zip(FORMATS, reports):
            p = os.path.join(tmp, r)
            if not os.path.exists(p):
                problems.append(f"{r} was not written")
                continue
            raw = open(p, "rb").read()
            try:
                texts[ext] = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                problems.append(f"{r} is not UTF-8: {e}")
                continue
            if CONTROL.search(texts[ext]):
                problems.append(f"{r} holds a control character")
            for s in ann["secrets"]:
                if s.encode() in raw:
                    problems.append(f"{r} holds the secret {s!r}")
        for s in ann["secrets"]:
            if s in out or s in err:
                problems.append(f"the run's output holds the secret {s!r}")
        doc = None
        if "json" in texts:
            try:
                doc = json.loads(texts["json"])
                check_json(doc, rc, problems)
            except (ValueError, KeyError, TypeError) as e:
                problems.append(f"json: {e!r}")
                doc = None
        if "xml" in texts and doc is not None:
            try:
                check_xml(ET.fromstring(texts["xml"].encode()), doc, problems)
            except ET.ParseError as e:
                problems.append(f"xml does not parse: {e}")
        for ext, text in texts.items():
            snap = os.path.join(snapdir, f"{name}.{ext}")
            got = normalise(text)
            if update:
                os.makedirs(snapdir, exist_ok=True)
                with open(snap, "w", encoding="utf-8") as f:
                    f.write(got)
                continue
            if not os.path.exists(snap):
                problems.append(f"no snapshot {os.path.relpath(snap, HERE)} (run with --update)")
                continue
            want = open(snap, encoding="utf-8").read()
            if got != want:
                diff = difflib.unified_diff(want.splitlines(), got.splitlines(), f"snapshots/{name}.{ext}",
                                            f"this run's {name}.{ext}", lineterm="", n=2)
                lines = [d if len(d) <= 300 else d[:300] + "..." for d in list(diff)[:60]]
                problems.append(f"{name}.{ext} differs from its snapshot:\n" + "\n".join(lines))
        if problems:
            problems.append(f"stdout:\n{out}\nstderr:\n{err}")
    return name, problems


def check_refusals(runbook):
    """Runs refused before step 1 write no report; bad report paths are refused with 64."""
    problems = []
    with tempfile.TemporaryDirectory(prefix="rbk-report-") as tmp:
        with open(os.path.join(tmp, "needs.rb"), "w") as f:
            f.write('runbook "needs env"\n\nenv RBK_REPORT_TEST_UNSET\n\nstep "s" {\n  log(env.RBK_REPORT_TEST_UNSET)\n}\n')
        os.environ.pop("RBK_REPORT_TEST_UNSET", None)
        rc, out, err = run(runbook, tmp, ["run", "needs.rb", "--report", "a.md", "--report", "a.json", "--report", "a.xml"])
        if rc != 64:
            problems.append(f"refused run: exit {rc}, expected 64")
        for r in ("a.md", "a.json", "a.xml"):
            if os.path.exists(os.path.join(tmp, r)):
                problems.append(f"refused run: {r} was written")
        rc, out, err = run(runbook, tmp, ["run", "needs.rb", "--report", "a.txt"])
        if rc != 64 or "--report a.txt" not in err or ".md" not in err or out:
            problems.append(f"bad extension: exit {rc}, stdout {out!r}, stderr {err!r}")
        rc, out, err = run(runbook, tmp, ["run", "needs.rb", "--report", "no/such/dir/a.md"])
        if rc != 64 or "no/such/dir" not in err or out:
            problems.append(f"missing directory: exit {rc}, stdout {out!r}, stderr {err!r}")
        os.mkdir(os.path.join(tmp, "adir.md"))
        rc, out, err = run(runbook, tmp, ["run", "needs.rb", "--report", "adir.md"])
        if rc != 64 or "not a regular file" not in err:
            problems.append(f"a directory as the report: exit {rc}, stderr {err!r}")
        with open(os.path.join(tmp, "ok.rb"), "w") as f:
            f.write('runbook "ok"\n\nstep "s" {\n  log("hi")\n}\n')
        old = os.path.join(tmp, "old.md")
        with open(old, "w") as f:
            f.write("an older report\n")
        rc, out, err = run(runbook, tmp, ["run", "ok.rb", "--report", "old.md"])
        text = open(old, encoding="utf-8").read()
        if rc != 0 or "an older report" in text or "**GO**" not in text or "report: old.md" not in err:
            problems.append(f"replacing a report: exit {rc}, stderr {err!r}, file {text[:200]!r}")
        leftovers = [n for n in os.listdir(tmp) if n not in ("needs.rb", "ok.rb", "old.md", "adir.md")]
        if leftovers:
            problems.append(f"files left behind: {leftovers}")
    return problems


def selftest(runbook):
    """The runner must fail on a differing snapshot and on a leaked secret."""
    failures = []
    with tempfile.TemporaryDirectory(prefix="rbk-report-self-") as tmp:
        cases, snaps = os.path.join(tmp, "cases"), os.path.join(tmp, "snapshots")
        os.mkdir(cases)
        shutil.copy(os.path.join(HERE, "cases", "stopped.rb"), cases)
        shutil.copytree(os.path.join(HERE, "snapshots"), snaps)
        name, problems = run_case(runbook, os.path.join(cases, "stopped.rb"), snaps, False)
        if problems:
            failures.append("the unchanged case does not pass: " + problems[0])
        with open(os.path.join(snaps, "stopped.md"), "a", encoding="utf-8") as f:
            f.write("a line the report does not have\n")
        name, problems = run_case(runbook, os.path.join(cases, "stopped.rb"), snaps, False)
        if not any("stopped.md differs from its snapshot" in p for p in problems):
            failures.append("a changed snapshot was not detected")
        with open(os.path.join(cases, "stopped.rb"), "a", encoding="utf-8") as f:
            f.write("# secret: Rotate certificates\n")
        name, problems = run_case(runbook, os.path.join(cases, "stopped.rb"), snaps, False)
        if not any("holds the secret 'Rotate certificates'" in p for p in problems):
            failures.append("a text marked secret that is in the report was not detected")
    for f in failures:
        print("FAIL selftest:", f)
    print("selftest:", "failed" if failures else "passed")
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runbook", required=True)
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--only")
    ap.add_argument("--selftest", action="store_true")
    a = ap.parse_args()
    if not os.access(a.runbook, os.X_OK):
        print(f"run_reports: {a.runbook}: not an executable", file=sys.stderr)
        return 2
    runbook = os.path.abspath(a.runbook)
    if a.selftest:
        return selftest(runbook)
    casedir, snapdir = os.path.join(HERE, "cases"), os.path.join(HERE, "snapshots")
    names = sorted(n for n in os.listdir(casedir) if n.endswith(".rb"))
    if a.only:
        names = [n for n in names if n == a.only + ".rb"]
    failed = 0
    for n in names:
        name, problems = run_case(runbook, os.path.join(casedir, n), snapdir, a.update)
        print(("FAIL " if problems else "PASS ") + name)
        for p in problems:
            print("  " + p.replace("\n", "\n  "))
        failed += bool(problems)
    if not a.only:
        problems = check_refusals(runbook)
        print(("FAIL " if problems else "PASS ") + "refusals")
        for p in problems:
            print("  " + p)
        failed += bool(problems)
    print(f"{len(names) + (0 if a.only else 1) - failed} passed, {failed} failed" + (" (snapshots updated)" if a.update else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
