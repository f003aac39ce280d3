#!/usr/bin/env python3
"""Tests of `runbook import` (docs/import.md): goldens of the whole output, the output checks,
the shell quoting agrees with the shell, and bad input is refused with a position.

Owns: the cases (tests/import/cases/*.md and the reference runbooks named in REFERENCES), their
goldens (tests/import/expected/NAME.rb: the runbook written; NAME.txt: the summary on stderr,
with the number of warnings of the check line masked, since that count belongs to the checker),
and the suites:
  goldens     import each case (in a scratch directory, so the paths printed are the case's
              name); compare with the goldens; the output passes `runbook check` (warnings
              allowed) and `runbook doc`; -o FILE and stdout give the same bytes; a second
              import gives the same bytes (deterministic)
  references  the same for the reference runbooks in ../shared/reference-runbooks (beside the
              repository, where CI puts shared/; or $RBK_REFERENCE_RUNBOOKS), pinned by SHA-256:
              a changed reference fails with a message saying so; exit 77 (skipped) when the
              directory is not there
  quoting     tests/import/quoting.md run two ways, its bash fences by bash and its import by
              `runbook run`, with hostile values in the environment: the files written are
              the same, and nothing in a value was run
  errors      unreadable file, not UTF-8, a NUL byte, no file, an unwritable -o: exit codes and
              messages with positions; deep nesting and long lines do not crash
  random      300 documents made of runbook-like pieces (seeded: the same every run): each
              imports with exit 0, its output checks, no sanitizer report

Usage: import_test.py --runbook BIN SUITE [--update]
"""

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CASES = os.path.join(HERE, "cases")
EXPECTED = os.path.join(HERE, "expected")
# where CI puts shared/ (beside the clone); RBK_REFERENCE_RUNBOOKS points elsewhere (a worktree)
SHARED = os.environ.get("RBK_REFERENCE_RUNBOOKS") or os.path.normpath(os.path.join(ROOT, "..", "shared", "reference-runbooks"))
# golden name -> (file in ../shared/reference-runbooks, its SHA-256)
REFERENCES = {
    "v2_intake_deploy": ("000_f212cb4acee02bf0.txt",
                         "a73b744ece9419559b871b1c9a253b5d7452b4b3ca3c90d3e5a5e5fba64c6807"),
    "cutover_staging_to_prod": ("004_50e525bd81554f47.txt",
                                "586671af800b4deb33ebb8477c8a7795c990f3a6ed1d82362a8b3b30b6ce8835"),
}
CHECK_LINE = re.compile(r"^(  check: \d+ errors?, )\d+( warnings?)", re.M)


def run(argv, cwd, env=None, stdin=None, timeout=300):
    e = dict(os.environ)
    e["NO_COLOR"] = "1"
    if env:
        e.update(env)
    return subprocess.run(argv, cwd=cwd, env=e, input=stdin, capture_output=True, timeout=timeout)


def masked(summary):
    return CHECK_LINE.sub(r"\1N\2", summary)


class Failures:
    def __init__(self):
        self.items = []

    def add(self, name, why, detail=""):
        self.items.append((name, why, detail))
        print(f"FAIL {name}: {why}")
        if detail:
            print(detail.rstrip())

    def report(self, n):
        print(f"{n - len(set(i[0] for i in self.items))} passed, {len(set(i[0] for i in self.items))} failed")
        return 1 if self.items else 0


def diff(a, b, name_a, name_b):
    import difflib
    return "".join(difflib.unified_diff(a.splitlines(True), b.splitlines(True), name_a, name_b, n=2))


def import_case(rb, name, src_path, src_name, update, fails):
    """Imports src_path (copied as src_name into a scratch directory) and checks everything."""
    with tempfile.TemporaryDirectory(prefix="rbk-import-") as tmp:
        shutil.copyfile(src_path, os.path.join(tmp, src_name))
        out_name = os.path.splitext(src_name)[0] + ".rb"
        p = run([rb, "import", src_name, "-o", out_name], tmp)
        if p.returncode != 0:
            fails.add(name, f"import exited {p.returncode}", p.stderr.decode(errors="replace"))
            return
        text = open(os.path.join(tmp, out_name), encoding="utf-8").read()
        summary = p.stderr.decode()
        # the same bytes on stdout, and on a second run
        q = run([rb, "import", src_name], tmp)
        if q.returncode != 0 or q.stdout.decode() != text:
            fails.add(name, "stdout differs from the -o file", diff(text, q.stdout.decode(), "-o", "stdout"))
        r = run([rb, "import", src_name, "-o", out_name], tmp)
        if open(os.path.join(tmp, out_name), encoding="utf-8").read() != text or r.stderr.decode() != summary:
            fails.add(name, "a second import differs (not deterministic)")
        if "check: 0 errors" not in summary:
            fails.add(name, "the summary does not say the output checks", summary)
        # the output is a runbook that checks (warnings allowed) and documents
        c = run([rb, "check", out_name], tmp)
        if c.returncode != 0:
            fails.add(name, f"runbook check exited {c.returncode}", c.stderr.decode(errors="replace"))
        d = run([rb, "doc", out_name], tmp)
        if d.returncode != 0:
            fails.add(name, f"runbook doc exited {d.returncode}", d.stderr.decode(errors="replace"))
        # the counts of the summary match the output
        todos = text.count("TODO(import):")
        m = re.search(r"^  TODO (\d+)$", summary, re.M)
        if not m or int(m.group(1)) != todos:
            fails.add(name, f"the summary's TODO count is not the {todos} TODO comments of the output", summary)
        for listed in re.findall(r"^    " + re.escape(src_name) + r":(\d+): ", summary, re.M):
            if f"(line {listed})" not in text:
                fails.add(name, f"the summary lists a TODO at line {listed} that the output does not have")
        m = re.search(r"expectations (\d+)", summary)
        if not m or int(m.group(1)) != len(re.findall(r"^\s*expect ", text, re.M)):
            fails.add(name, "the summary's expectation count differs from the output's expect lines", summary)
        exp_rb = os.path.join(EXPECTED, name + ".rb")
        exp_txt = os.path.join(EXPECTED, name + ".txt")
        if update:
            os.makedirs(EXPECTED, exist_ok=True)
            open(exp_rb, "w", encoding="utf-8").write(text)
            open(exp_txt, "w", encoding="utf-8").write(masked(summary))
            print(f"updated {name}")
            return
        if not os.path.exists(exp_rb) or not os.path.exists(exp_txt):
            fails.add(name, f"no golden: run with --update to write {exp_rb}")
            return
        want = open(exp_rb, encoding="utf-8").read()
        if want != text:
            fails.add(name, "the runbook differs from its golden", diff(want, text, exp_rb, "import"))
        want_s = open(exp_txt, encoding="utf-8").read()
        if want_s != masked(summary):
            fails.add(name, "the summary differs from its golden", diff(want_s, masked(summary), exp_txt, "import"))
        print(f"PASS {name}")


def docs_example(fails):
    """docs/import.md shows cases/doc_example.md and its import: both must be the case's."""
    doc = open(os.path.join(ROOT, "docs", "import.md"), encoding="utf-8").read()
    blocks = re.findall(r"<!-- import example: (\S+) -->\n(`{3,})[a-z-]*\n(.*?)^\2\n", doc, re.M | re.S)
    shown = {k: text for k, _, text in blocks}
    for key, path in (("input", os.path.join(CASES, "doc_example.md")), ("output", os.path.join(EXPECTED, "doc_example.rb"))):
        want = open(path, encoding="utf-8").read()
        if shown.get(key) != want:
            fails.add("docs/import.md", f"the example's {key} is not {os.path.relpath(path, ROOT)}",
                      diff(want, shown.get(key, ""), os.path.relpath(path, ROOT), "docs/import.md"))


def suite_goldens(rb, update):
    fails = Failures()
    names = sorted(f[:-3] for f in os.listdir(CASES) if f.endswith(".md"))
    for name in names:
        import_case(rb, name, os.path.join(CASES, name + ".md"), name + ".md", update, fails)
    docs_example(fails)
    return fails.report(len(names) + 1)


def suite_references(rb, update):
    if not os.path.isdir(SHARED):
        print(f"SKIP: {SHARED} is not there (CI puts shared/ beside the repository)")
        return 77
    fails = Failures()
    for name, (fname, sha) in sorted(REFERENCES.items()):
        path = os.path.join(SHARED, fname)
        if not os.path.exists(path):
            fails.add(name, f"{path} is missing")
            continue
        got = hashlib.sha256(open(path, "rb").read()).hexdigest()
        if got != sha and not update:
            fails.add(name, f"{fname} changed (sha256 {got}, the golden was made from {sha}): "
                            "review the new import and update REFERENCES and the golden")
            continue
        if got != sha:
            print(f"note: {fname} has sha256 {got}: update REFERENCES in {__file__}")
        import_case(rb, name, path, fname, update, fails)
    return fails.report(len(REFERENCES))


HOSTILE = "a b  'c' \"d\" $(touch pwned) `touch pwned2` * \\ {x} \u00e9\nsecond line"


def bash_fences(md):
    text = open(md, encoding="utf-8").read()
    return re.findall(r"^```bash\n(.*?)^```", text, re.M | re.S)


def suite_quoting(rb, update):
    fails = Failures()
    md = os.path.join(HERE, "quoting.md")
    env = {"Q_HOSTILE": HOSTILE, "Q_PLAIN": "plain-value", "Q_PATH": "dir with space"}
    with tempfile.TemporaryDirectory(prefix="rbk-quote-") as tmp:
        a = os.path.join(tmp, "bash")
        b = os.path.join(tmp, "runbook")
        os.makedirs(a)
        os.makedirs(b)
        # the document as an operator pastes it: each fence into one shell
        for fence in bash_fences(md):
            p = run(["bash", "-e", "-c", fence], a, env)
            if p.returncode != 0:
                fails.add("quoting", f"bash exited {p.returncode} on a fence", p.stderr.decode(errors="replace"))
        shutil.copyfile(md, os.path.join(b, "quoting.md"))
        p = run([rb, "import", "quoting.md", "-o", "quoting.rb"], b)
        if p.returncode != 0 or "TODO 0" not in p.stderr.decode():
            fails.add("quoting", "the import failed or left a TODO", p.stderr.decode(errors="replace"))
        os.remove(os.path.join(b, "quoting.md"))
        p = run([rb, "run", "quoting.rb", "--yes"], b, env)
        if p.returncode != 0:
            fails.add("quoting", f"runbook run exited {p.returncode}",
                      p.stdout.decode(errors="replace") + p.stderr.decode(errors="replace"))
        os.remove(os.path.join(b, "quoting.rb"))
        for d in (a, b):
            for bad in ("pwned", "pwned2"):
                if os.path.exists(os.path.join(d, bad)):
                    fails.add("quoting", f"a value was run as a command ({bad} in {os.path.basename(d)})")
        files_a = sorted(os.path.relpath(os.path.join(r, f), a) for r, _, fs in os.walk(a) for f in fs)
        files_b = sorted(os.path.relpath(os.path.join(r, f), b) for r, _, fs in os.walk(b) for f in fs)
        if files_a != files_b:
            fails.add("quoting", f"different files: bash {files_a}, runbook {files_b}")
        for f in files_a:
            if f not in files_b:
                continue
            x = open(os.path.join(a, f), "rb").read()
            y = open(os.path.join(b, f), "rb").read()
            if x != y:
                fails.add("quoting", f"{f} differs", diff(x.decode(errors="replace"), y.decode(errors="replace"), "bash", "runbook"))
        if not files_a:
            fails.add("quoting", "nothing was written")
    if not fails.items:
        print(f"PASS quoting ({len(files_a)} files the same)")
    return fails.report(1)


def suite_errors(rb, update):
    fails = Failures()
    cases = 0
    with tempfile.TemporaryDirectory(prefix="rbk-import-err-") as tmp:
        def write(name, data):
            with open(os.path.join(tmp, name), "wb") as f:
                f.write(data)

        def expect(name, argv, code, *texts):
            nonlocal cases
            cases += 1
            p = run([rb] + argv, tmp)
            err = p.stderr.decode(errors="replace")
            if p.returncode != code:
                fails.add(name, f"exit {p.returncode}, expected {code}", err)
                return p
            for t in texts:
                if t not in err:
                    fails.add(name, f"stderr lacks {t!r}", err)
            for t in ("AddressSanitizer", "runtime error:", "LeakSanitizer"):
                if t in err:
                    fails.add(name, "a sanitizer report", err)
            return p

        expect("missing file", ["import", "nope.md"], 64, "runbook import:", "nope.md")
        expect("no file", ["import"], 64, "runbook import: give one FILE.md")
        expect("two files", ["import", "a.md", "b.md"], 64, "runbook import: give one FILE.md")
        write("latin1.md", "# Caf\xe9\n\nline two \xe9\n".encode("latin-1"))
        expect("not UTF-8", ["import", "latin1.md"], 65, "latin1.md:1:6: error: the document is not UTF-8 text")
        write("nul.md", b"# T\n\nab\x00c\n")
        expect("NUL byte", ["import", "nul.md"], 65, "nul.md:3:3: error: a NUL byte")
        write("ok.md", b"# T\n\n```bash\necho hi\n```\n")
        expect("unwritable -o", ["import", "ok.md", "-o", "no/such/dir/x.rb"], 64, "runbook import:")
        write("empty.md", b"")
        p = expect("empty document", ["import", "empty.md"], 0, "check: 0 errors")
        if p.returncode == 0 and 'runbook "empty"' not in p.stdout.decode():
            fails.add("empty document", "the title is not the file's name", p.stdout.decode())
        # odd shapes: nothing crashes, and the output checks
        deep = "".join("  " * i + "- level %d\n" % i for i in range(300))
        long_line = "# L\n\n```bash\necho " + "x" * 200000 + "\n```\n"
        unterminated = "# U\n\n## S\n\n```bash\necho 'open quote\n  cat <<EOF\nno end\n"
        json_ok = '{"a":' * 32 + "1" + "}" * 32
        json_deep = '{"a":' * 33 + "1" + "}" * 33
        nested = ("# J\n\n## S\n\n```bash\ncurl -s -X POST https://x.example/a -H 'Content-Type: application/json' -d '%s'\n"
                  "curl -s -X POST https://x.example/b -H 'Content-Type: application/json' -d '%s'\n```\n") % (json_ok, json_deep)
        crlf = "# C\r\n\r\n## S\r\n\r\n```bash\r\necho one\r\n# Expected: one\r\n```\r\n"
        # sizes that a quadratic pass would not finish (the ctest TIMEOUT is the guard, no clock here)
        long_para = "# P\n\n" + "".join("line %d of one paragraph\n" % i for i in range(200000))
        quoted = "# Q\n\n```bash\nX=$(date)\necho " + "'a' " * 40000 + "$X\n```\n"
        for name, text in (("deep list", "# D\n\n## S\n\n" + deep), ("long line", long_line),
                           ("unterminated fence", unterminated), ("JSON body nesting 32/33", nested), ("CRLF", crlf),
                           ("a paragraph of 200,000 lines", long_para), ("40,000 quoted words", quoted)):
            write("odd.md", text.encode())
            p = expect(name, ["import", "odd.md", "-o", "odd.rb"], 0, "check: 0 errors")
            if p.returncode != 0:
                continue
            out = open(os.path.join(tmp, "odd.rb"), encoding="utf-8").read()
            if name.startswith("JSON"):
                a_line = [l for l in out.splitlines() if "/a\"" in l]
                b_line = [l for l in out.splitlines() if "/b\"" in l]
                if not a_line or "json: " + "{a: " * 32 not in a_line[0]:
                    fails.add(name, "a body nested 32 deep is not a json: value", out)
                if not b_line or "body: " not in b_line[0]:
                    fails.add(name, "a body nested 33 deep is not sent as text (body:)", out)
            if name == "CRLF" and 'expect r.stdout contains "one"' not in out:
                fails.add(name, "CR at line ends is not ignored", out)
    return fails.report(cases)


# ------------------------------------------------------------------ random documents
WORDS = ["deploy", "the", "api", "check", "rollback", "Expected:", "DO NOT PROCEED IF", "wait 5 minutes",
         "ROLLBACK IF", "`npm run build`", "`GET /healthz` → `200`", "**bold**", "[link](x.md)", "{", "}",
         "\"", "'", "\\", "$HOME", "$TOKEN", "<placeholder>", "___", "é", "→", "`curl -s https://x.example/a`",
         "Set in production:", "`X_Y=1`", "optional", "Actions:", "Rollback plan:", "Expected output:", "|", "#"]
SHELL = ["echo $A", "echo \"$A b\"", "echo '${A}'", "cat <<EOF", "x $A", "EOF", "cat <<'Q'", "$B", "Q",
         "curl -s https://api.example.com/x | jq .a", "curl -fsS -X POST https://e.example/y -H 'Content-Type: application/json' -d '{\"a\":[1,{\"b\":null}]}'",
         "psql \"$DATABASE_URL\" -c \"SELECT 1;\"", "psql db -c \"UPDATE t SET a=1; DELETE FROM t\"", "pg_dump $DB > f_$(date).sql",
         "# Expected: 0", "# Expected: \"ok\"", "# Expected: ≥ 2", "# Expected output:", "# line", "# or",
         "cd dir", "cd $(pwd)", "export V=1", "V=$(cmd)", "echo $V", "sleep 3", "ssh h", "tail -f x", "pm2 logs app | grep x",
         "for i in 1 2; do", "echo $i", "done", "if true; then", "fi", "echo 'unterminated", "echo \"also", "a \\", "| wc -l",
         "`cmd`", "echo ${A:-x}", "echo $((A+1))", "<x-y>", "{}", "\"\"\"", "echo \\{", "echo \t tab", "   indented"]


def para(r):
    return " ".join(r.choice(WORDS) for _ in range(r.randint(1, 12)))


def block(r, depth=0):
    k = r.randint(0, 11)
    if k == 0:
        return "#" * r.randint(1, 6) + " " + para(r)
    if k == 1:
        lang = r.choice(["bash", "sh", "console", "sql", "", "python", "json", "shell"])
        fence = r.choice(["```", "~~~", "````"])
        lines = [r.choice(SHELL) for _ in range(r.randint(0, 10))]
        if lang == "console":
            lines = [("$ " if r.random() < .5 else "") + l for l in lines]
        if lang == "sql":
            lines = [r.choice(["SELECT 1;", "-- Expected: 0", "UPDATE t\n SET a = '{';", "\\dt", "SELECT 'x;y';"]) for _ in range(r.randint(0, 5))]
        end = fence if r.random() < .9 else ""
        return fence + lang + "\n" + "\n".join(lines) + "\n" + end
    if k == 2:
        out = []
        for _ in range(r.randint(1, 6)):
            ind = "  " * r.randint(0, 3)
            mark = r.choice(["- ", "* ", "1. ", "2) ", "- [ ] ", "- [x] "])
            out.append(ind + mark + para(r))
            if r.random() < .2:
                out.append(ind + "   ```bash\n" + ind + "   " + r.choice(SHELL) + "\n" + ind + "   ```")
        return "\n".join(out)
    if k == 3:
        cols = r.randint(1, 5)
        head = "| " + " | ".join(r.choice(["Variable", "Check", "Command", "Expected", "☐", "Required", "Default", "Description", "#"]) for _ in range(cols)) + " |"
        rows = ["| " + " | ".join(r.choice(["`A_B`", "`npm ci`", "200", "☐", "No", "x", "`curl .../x`", "", "`psql d -c \"SELECT 1\"`"]) for _ in range(r.randint(0, cols + 1))) + " |" for _ in range(r.randint(0, 5))]
        return "\n".join([head, "|" + "---|" * cols] + rows)
    if k == 4:
        return "> " + para(r)
    if k == 5:
        return "---"
    if k == 6:
        return para(r) + "\n" + r.choice(["===", "---"])
    if k == 7:
        return "    " + r.choice(SHELL)
    if k == 8:
        return "<!-- " + para(r) + (" -->" if r.random() < .8 else "")
    if k == 9:
        return r.choice(["Actions:", "Expected output:", "Rollback plan:", "Environment variables:", "Notes:"]) + "\n" + block(r, depth + 1) if depth < 3 else para(r)
    return para(r)


def doc(r):
    parts = []
    if r.random() < .8:
        parts.append("# " + para(r))
    for _ in range(r.randint(0, 25)):
        parts.append(block(r))
    text = "\n\n".join(parts) + "\n"
    if r.random() < .1:
        text = text.replace("\n", "\r\n")
    return text



def suite_random(rb, update):
    import random
    fails = Failures()
    r = random.Random(19)
    n = 300
    with tempfile.TemporaryDirectory(prefix="rbk-import-rand-") as tmp:
        for i in range(n):
            t = doc(r)
            with open(os.path.join(tmp, "d.md"), "w", encoding="utf-8") as f:
                f.write(t)
            q = run([rb, "import", "d.md", "-o", "d.rb"], tmp)
            err = q.stderr.decode(errors="replace")
            why = (f"exit {q.returncode}" if q.returncode != 0 else
                   "the output does not check" if "check: 0 errors" not in err else
                   "a sanitizer report" if ("Sanitizer" in err or "runtime error:" in err) else None)
            if why:
                fails.add(f"document {i}", why, "--- document:\n" + t + "--- stderr:\n" + err[-3000:])
                if len(fails.items) > 3:
                    break
    return fails.report(n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runbook", required=True)
    ap.add_argument("suite", choices=["goldens", "references", "quoting", "errors", "random"])
    ap.add_argument("--update", action="store_true", help="rewrite the goldens from the current output")
    a = ap.parse_args()
    rb = os.path.abspath(a.runbook)
    if not os.access(rb, os.X_OK):
        print(f"no runbook binary at {rb}")
        return 2
    return {"goldens": suite_goldens, "references": suite_references, "quoting": suite_quoting,
            "errors": suite_errors, "random": suite_random}[a.suite](rb, a.update)


if __name__ == "__main__":
    sys.exit(main())
