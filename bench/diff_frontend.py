#!/usr/bin/env python3
"""bench/diff_frontend.py OLD NEW [--mutants N] [--seed S] [--keep DIR] [--modes M,...] — checks that a change to the front end
(grammar/, compiler/) changed no output: runs `runbook check` and `runbook compile` with two
binaries on every runbook of tests/golden, examples, stdlib/std and bench, and on N random
mutants of each (tokens inserted, text deleted, lines swapped, the file cut short: mostly syntax
errors), and compares exit code, stdout, stderr and the .rbc byte for byte. `--modes` adds
other subcommands that read the tree (e.g. `--modes check,compile,plan,doc`); every mode runs on
each file, and on every fifth mutant (`check` on all of them).

Made for performance work on the parser and checker (docs/benchmarks.md): the golden tests match
message prefixes, this matches every byte of every "expected ..." list and position. It works on
a copy of the sources in a temporary directory (mutants sit next to the file they come from, so
that `use "./lib/..."` still resolves). Prints one DIFF line per difference and a last line
`N passed, N failed`; exit 1 if anything differs.
"""
import argparse
import glob
import os
import random
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOTS = ["tests/golden", "examples", "stdlib/std", "bench"]
TOKENS = [")", "(", "}", "{", "=", "==", ",", '"', '"""', "'", "let ", 'step "x" ', "\n", "if ", ".",
          "[", "]", " and ", ":", "else ", "rollback ", "{x}", '"a{', '}"', "fn ", "return ", "#", "\\",
          "-", "..", "irreversible ", "expect ", " 5s", "1_0", "&&", "env ", 'use "std/pg"\n', "\t",
          'section "s" {', "for x in ", "watch 5s every 1s {", "f(a: 1, ", " not ", "x.if", ":raw}"]


def run(binary, path, mode, out):
    args = [binary, mode, os.path.basename(path)] + (["-o", out] if mode == "compile" else [])
    if os.path.exists(out):
        os.unlink(out)
    p = subprocess.run(args, cwd=os.path.dirname(path), capture_output=True, timeout=120)
    rbc = open(out, "rb").read() if mode == "compile" and os.path.exists(out) else b""
    return p.returncode, p.stdout, p.stderr, rbc


def mutate(src, rnd):
    for _ in range(rnd.randint(1, 3)):
        op, pos = rnd.random(), rnd.randint(0, len(src))
        if op < 0.4:
            src = src[:pos] + rnd.choice(TOKENS) + src[pos:]
        elif op < 0.8:
            src = src[:pos] + src[pos + rnd.randint(1, 8):]
        elif op < 0.9:
            src = src[:pos]
        else:
            lines = src.split("\n")
            i, j = rnd.randrange(len(lines)), rnd.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            src = "\n".join(lines)
    return src


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--mutants", type=int, default=20, help="mutants per file (default 20)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", metavar="DIR", help="copy every input that differs into DIR")
    ap.add_argument("--modes", default="check,compile", help="subcommands to compare (default check,compile)")
    a = ap.parse_args()
    old, new = os.path.abspath(a.old), os.path.abspath(a.new)
    rnd = random.Random(a.seed)
    work = tempfile.mkdtemp(prefix="rbk-diff-")
    failed = total = syntax = 0
    try:
        for r in ROOTS:
            shutil.copytree(os.path.join(REPO, r), os.path.join(work, r))
        out = os.path.join(work, "out.rbc")
        files = sorted(f for r in ROOTS for f in glob.glob(os.path.join(work, r, "**", "*.rb"), recursive=True))

        def compare(path, modes):
            nonlocal failed, total, syntax
            for mode in modes:
                total += 1
                x, y = run(old, path, mode, out), run(new, path, mode, out)
                syntax += mode == "check" and b"unexpected" in x[2]
                if x != y:
                    failed += 1
                    if a.keep:
                        os.makedirs(a.keep, exist_ok=True)
                        shutil.copy(path, os.path.join(a.keep, os.path.relpath(path, work).replace("/", "_")))
                    print(f"DIFF {mode} {os.path.relpath(path, work)}\n  old: exit {x[0]}: {x[2][-400:]!r}\n"
                          f"  new: exit {y[0]}: {y[2][-400:]!r}")

        modes = tuple(a.modes.split(","))
        for f in files:
            compare(f, modes)
            src = open(f, encoding="utf-8", errors="replace").read()
            for k in range(a.mutants):
                m = os.path.join(os.path.dirname(f), f".mutant{k}.rb")
                with open(m, "w") as fh:
                    fh.write(mutate(src, rnd))
                compare(m, modes if k % 5 == 0 else ("check",))
                os.unlink(m)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"({syntax} of the checks had syntax errors)")
    print(f"{total - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
