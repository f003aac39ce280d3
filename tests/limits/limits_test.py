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


CANARY = "rbk-limits-canary-5f3a"  # in every runbook's environment: /proc/self/environ holds it


def run(args, cwd, timeout=300, stdin=subprocess.DEVNULL, pass_fds=()):
    e = dict(os.environ)
    e["NO_COLOR"] = "1"
    e["RBK_LIMITS_CANARY"] = CANARY
    p = subprocess.run([RUNBOOK] + args, cwd=cwd, env=e, stdin=stdin, capture_output=True,
                       timeout=timeout, pass_fds=pass_fds)
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


# ---------------------------------------------------------------- files that are not sources
MIB64 = 64 << 20  # RBK_READ_MAX_SOURCE, support/readfile.h


def specials(d):
    """Paths that are no source file: (path, what the error says)."""
    fifo = os.path.join(d, "fifo.rb")
    os.mkfifo(fifo)
    os.mkdir(os.path.join(d, "dir.rb"))
    return [(fifo, "it is a FIFO (named pipe), not a regular file"),
            ("/dev/zero", "it is a character device, not a regular file"),
            ("/proc/self/environ", "it held more than its size (0 bytes) when read"),
            (os.path.join(d, "dir.rb"), "it is a directory")]


def case_use_of_what_is_not_a_source(d):
    """`use` of a FIFO hung, of /dev/zero grew to gigabytes, of /proc/self/environ printed the
    environment in the diagnostics: now one error at the path, and not a byte of the file."""
    for path, says in specials(d):
        write(d, "main.rb", f'use "{path}" as m\nlog("x")\n')
        for cmd in (["check"], ["run"], ["plan"], ["compile", "-o", "main.rbc"]):
            p = run(cmd + ["main.rb"], d, timeout=60)
            errs = errors(p)
            check(p.returncode == 65 and len(errs) == 1 and errs[0].startswith("main.rb:1:5: error: cannot ") and
                  says in errs[0] and CANARY not in p.out + p.err,
                  f"`{cmd[0]}` of use \"{path}\": exit {p.returncode}, {errs}", p.err[-2000:])


def case_root_file_that_is_not_a_source(d):
    """The file named on the command line: the same refusal, for every command that reads it."""
    for path, says in specials(d):
        for cmd in (["check"], ["run"], ["plan"], ["doc"], ["disasm"], ["compile", "-o", "x.rbc"]):
            if cmd[0] == "check" and path.endswith("dir.rb"):
                continue  # check walks a directory for its *.rb files
            p = run(cmd + [path], d, timeout=60)
            check(p.returncode in (64, 65) and says in p.err and CANARY not in p.out + p.err,
                  f"`{cmd[0]} {path}`: exit {p.returncode}", p.err[-2000:])


def case_artifact_that_is_not_a_file(d):
    """A .rbc is read the same way (compiler/pipeline.c, for every subcommand)."""
    fifo = os.path.join(d, "x.rbc")
    os.mkfifo(fifo)
    os.symlink("/dev/zero", os.path.join(d, "zero.rbc"))
    for path, says in ((fifo, "FIFO"), (os.path.join(d, "zero.rbc"), "character device")):
        for cmd in (["run"], ["disasm"], ["plan"], ["doc"]):
            p = run(cmd + [path], d, timeout=60)
            check(p.returncode in (64, 65) and says in p.err, f"`{cmd[0]} {path}`: exit {p.returncode}", p.err[-2000:])


def case_env_file_and_journal_that_are_not_files(d):
    """--env-file reads a regular file or a pipe (`<(...)`): a FIFO nobody writes to reads as
    empty instead of waiting, a device is refused. A journal is a regular file."""
    write(d, "ok.rb", 'env A optional\nlog("A={env.get(\"A\")}")\n')
    fifo = os.path.join(d, "fifo.env")
    os.mkfifo(fifo)
    p = run(["run", "ok.rb", "--env-file", fifo], d, timeout=60)
    check(p.returncode == 0 and "A=nil" in p.out, f"--env-file of an idle FIFO: exit {p.returncode}", p.out, p.err)
    p = run(["run", "ok.rb", "--env-file", "/dev/zero"], d, timeout=60)
    check(p.returncode == 64 and "character device" in p.err, f"--env-file /dev/zero: exit {p.returncode}", p.err)
    r, w = os.pipe()
    os.write(w, b"A=from-a-pipe\n")
    os.close(w)
    p = run(["run", "ok.rb", "--env-file", f"/dev/fd/{r}"], d, timeout=60, pass_fds=(r,))
    os.close(r)
    check(p.returncode == 0 and "A=from-a-pipe" in p.out, f"--env-file of a pipe: exit {p.returncode}", p.out, p.err)
    for path in (fifo, "/dev/zero", "/proc/self/environ"):
        p = run(["resume", path], d, timeout=60)  # refused when locked (not regular) or read
        check(p.returncode in (64, 65) and ("cannot read" in p.err or "is not a regular file" in p.err) and
              CANARY not in p.out + p.err,
              f"resume {path}: exit {p.returncode}", p.err[-2000:])


def case_import_and_completion_of_what_is_not_a_file(d):
    """`runbook import` (a Markdown document: a file or a pipe) and the shell completion's
    `runbook __complete steps FILE` read through the same reader: the completion waited for
    ever on a FIFO named x.rbc, under the user's shell."""
    fifo = os.path.join(d, "doc.md")
    os.mkfifo(fifo)
    p = run(["import", fifo], d, timeout=60)
    check(p.returncode == 0 and "0 steps" in p.err, f"import of an idle FIFO: exit {p.returncode}", p.err[-2000:])
    for path, says in (("/dev/zero", "character device"), ("/proc/self/environ", "held more than its size")):
        p = run(["import", path], d, timeout=60)
        check(p.returncode == 64 and says in p.err and CANARY not in p.out + p.err,
              f"import {path}: exit {p.returncode}", p.err[-2000:])
    os.mkfifo(os.path.join(d, "x.rbc"))
    os.mkfifo(os.path.join(d, "x.rb"))
    for name in ("x.rbc", "x.rb"):
        p = run(["__complete", "steps", name], d, timeout=60)
        check(p.returncode == 0 and p.out == "", f"__complete steps of a FIFO {name}: exit {p.returncode}", p.out, p.err)


def case_source_size_limit(d):
    """A runbook's sources, modules included, total at most 64 MiB: at the limit it checks, one
    byte more is refused before it is read (a 10 GiB sparse file costs nothing)."""
    head = 'use "./m.rb" as m\nlog(m.x)\n#'
    write(d, "m.rb", 'let x = "m"\n')
    msize = len('let x = "m"\n')
    for extra, ok in ((0, True), (1, False)):
        write(d, "main.rb", head + "a" * (MIB64 - msize - len(head) - 1 + extra) + "\n")
        p = run(["check", "main.rb"], d)
        errs = errors(p)
        if ok:
            check(p.returncode == 0 and not errs, f"sources of exactly 64 MiB: exit {p.returncode}", p.err[-2000:])
        else:
            # the module is not loaded: a use of it is an unknown name (as for any unreadable module)
            check(p.returncode == 65 and len(errs) == 2 and "main.rb:1:5: error: cannot read \"m.rb\": it is" in errs[0] and
                  "unknown name `m`" in errs[1] and
                  "total at most 67108864 bytes" in p.err, f"sources of 64 MiB + 1: exit {p.returncode}, {errs}", p.err[-2000:])
    for size, ok in ((MIB64, True), (MIB64 + 1, False)):
        with open(os.path.join(d, "one.rb"), "wb") as f:
            f.write(b"#" + b"a" * (size - 2) + b"\n")
        p = run(["check", "one.rb"], d)
        check((p.returncode == 0) == ok and (ok or "more than the 67108864 allowed" in p.err),
              f"a root file of {size} bytes: exit {p.returncode}", p.err[-2000:])
    with open(os.path.join(d, "sparse.rb"), "wb") as f:
        f.truncate(10 << 30)
    p = run(["check", "sparse.rb"], d, timeout=60)
    check(p.returncode == 65 and "it is 10737418240 bytes" in p.err, f"a 10 GiB file: exit {p.returncode}", p.err)


def case_module_count_limit(d):
    """At most 1,000 modules (a node's file index is 16 bits: 70,000 used to wrap it)."""
    write(d, "m.rb", 'fn f() { return 1 }\n')
    for n, ok in ((1000, True), (1001, False)):
        uses = "".join(f'use "./m.rb" as m{i}\n' for i in range(n))
        calls = "".join(f"log(str(m{i}.f()))\n" for i in range(n))
        write(d, "main.rb", uses + calls)
        p = run(["check", "main.rb"], d)
        errs = errors(p)
        if ok:
            check(p.returncode == 0 and not errs, f"{n} modules: exit {p.returncode}", p.err[-2000:])
        else:
            check(p.returncode == 65 and len(errs) == 2 and
                  errs[0].startswith(f"main.rb:{n}:1: error: too many modules (limit 1000)") and
                  "unknown name `m1000`" in errs[1],
                  f"{n} modules: exit {p.returncode}, {errs[:3]}", p.err[-2000:])


def case_check_directory_walk(d):
    """`check DIR`: a symbolic link loop is not followed, a FIFO named x.rb is an error, and
    70,000 files do not run out of file indexes (one table of sources per runbook)."""
    t = os.path.join(d, "tree")
    os.makedirs(os.path.join(t, "sub"))
    write(t, "a.rb", 'log("a")\n')
    write(t, "sub/b.rb", 'log(str(nope))\n')
    os.symlink("..", os.path.join(t, "sub", "up"))
    os.symlink(".", os.path.join(t, "loop"))
    os.mkfifo(os.path.join(t, "fifo.rb"))
    p = run(["check", "tree"], d, timeout=60)
    errs = errors(p)
    check(p.returncode == 65 and "it is a FIFO" in p.err and len([e for e in errs if "unknown name `nope`" in e]) == 1 and
          "in 3 files" in p.err, f"check of a tree with link loops: exit {p.returncode}, {errs}", p.err[-3000:])
    many = os.path.join(d, "many")
    os.mkdir(many)
    n = 70000
    for i in range(n):
        with open(os.path.join(many, f"r{i:05d}.rb"), "w") as f:
            f.write('log(str(x))\n' if i == n - 1 else 'log("ok")\n')
    p = run(["check", "many"], d, timeout=600)
    errs = errors(p)
    check(p.returncode == 65 and errs == ["many/r69999.rb:1:9: error: unknown name `x`"] and f"in {n} files" in p.err,
          f"check of {n} files: exit {p.returncode}, {errs[:3]}", p.err[-2000:])


def case_byte_order_mark(d):
    """A UTF-8 byte-order mark was "unexpected character"; now it is skipped and columns count
    from after it, as an editor shows the line."""
    write(d, "bom.rb", b"\xef\xbb\xbf" + b'let x = 1\nlog("x={x}")\n')
    p = run(["run", "bom.rb"], d)
    check(p.returncode == 0 and "x=1" in p.out, f"a source with a BOM: exit {p.returncode}", p.out, p.err)
    write(d, "bad.rb", b"\xef\xbb\xbf" + b"let x = = 1\n")
    p = run(["check", "bad.rb"], d)
    errs = errors(p)
    check(p.returncode == 65 and errs and errs[0].startswith("bad.rb:1:9: error: unexpected '='") and
          "    1 | let x = = 1\n      |         ^" in p.err, f"a syntax error after a BOM: {errs}", p.err)
    write(d, "mod.rb", b"\xef\xbb\xbf" + b"fn f() { return 2 }\n")
    write(d, "use.rb", b'use "./mod.rb" as m\nlog("f={m.f()}")\n')
    p = run(["run", "use.rb"], d)
    check(p.returncode == 0 and "f=2" in p.out, f"a module with a BOM: exit {p.returncode}", p.out, p.err)


# ---------------------------------------------------------------- the bytecode's counts
LOCALS = 65535  # RBK_BC_MAX_LOCALS, vm/bytecode.h
TRACE = 65535   # RBK_BC_MAX_TRACE


def case_local_variables_limit(d):
    """70,000 locals was "internal error: the compiled bytecode does not verify"; now the checker
    says so at the declaration past the limit. A `for` holds two hidden slots and its variable."""
    def lets(k):
        return "".join(f"  let _v{i} = {i}\n" for i in range(k))
    for k, ok in ((LOCALS, True), (LOCALS + 1, False)):
        write(d, "locals.rb", "fn f() {\n" + lets(k) + "  return 1\n}\nlog(str(f()))\n")
        p = run(["run", "locals.rb"] if ok else ["check", "locals.rb"], d)
        errs = errors(p)
        if ok:
            check(p.returncode == 0 and "log    1" in p.out, f"{k} locals: exit {p.returncode}", p.err[-2000:])
        else:
            check(p.returncode == 65 and errs == [f"locals.rb:{k + 1}:7: error: too many local variables in this function (limit {LOCALS})"],
                  f"{k} locals: exit {p.returncode}, {errs[:3]}", p.err[-2000:])
    for k, ok in ((LOCALS - 3, True), (LOCALS - 2, False)):
        write(d, "loop.rb", 'step "s" {\n' + lets(k) + "  for _i in [1] { log(\"in\") }\n}\n")
        p = run(["compile", "-o", "loop.rbc", "loop.rb"], d)
        errs = errors(p)
        check((p.returncode == 0 and not errs) if ok else
              (p.returncode == 65 and errs == [f"loop.rb:{k + 2}:7: error: too many local variables in this function (limit {LOCALS})"]),
              f"{k} locals and a for loop: exit {p.returncode}, {errs[:3]}", p.err[-2000:])


def case_traced_values_limit(d):
    """An expectation shows at most 65,535 values (names, calls, operators) when it fails; one
    more was a verifier error, now the checker's, at the condition."""
    for k, ok in ((TRACE - 2, True), (TRACE - 1, False)):  # k names, len(...) and >=
        write(d, "trace.rb", 'let a = 1\nstep "s" {\n  expect len([' + ", ".join(["a"] * k) + ']) >= 0\n}\n')
        p = run(["run", "trace.rb"] if ok else ["check", "trace.rb"], d)
        errs = errors(p)
        check((p.returncode == 0 and "1 ok" in p.out) if ok else
              (p.returncode == 65 and errs == [f"trace.rb:3:10: error: this expectation shows too many values when it fails "
                                               f"(65536; the limit is {TRACE})"]),
              f"an expectation tracing {k + 2} values: exit {p.returncode}, {errs[:3]}", p.err[-2000:])
    # a command's interpolation is quoted by the code, not traced itself: only its parts count
    for k, ok in ((TRACE - 3, True), (TRACE - 2, False)):  # k names, sh(...), .code and ==
        write(d, "sh.rb", 'let a = 1\nstep "s" {\n  stop-if sh("true ' + "{a}" * k + '").code != 0\n} rollback { log("r") }\n')
        p = run(["compile", "-o", "sh.rbc", "sh.rb"], d)
        errs = errors(p)
        check((p.returncode == 0 and not errs) if ok else
              (p.returncode == 65 and len(errs) == 1 and "this stop-if shows too many values" in errs[0]),
              f"a stop-if tracing {k + 3} values: exit {p.returncode}, {errs[:3]}", p.err[-2000:])


# ---------------------------------------------------------------- sizes that were quadratic
def case_map_literal_of_100000_keys(d):
    """The duplicate-key check of a map literal compared every pair (100,000 keys: 19 s); a
    hash set finds the same duplicates, each once, where the second one is written, and a
    field read of a large record is a lookup, not a scan."""
    n = 100000
    keys = ", ".join(f"k{i}: {i}" for i in range(n))
    write(d, "map.rb", "let m = {" + keys + "}\nlog(str(m.k99999 + m[\"k5\"]))\n")
    p = run(["run", "map.rb"], d)
    check(p.returncode == 0 and "log    100004" in p.out, f"a map of {n} keys: exit {p.returncode}", p.out, p.err[-2000:])
    src = "let m = {" + keys + ", k5: 1, \"k99999\": 2, k5: 3}\nlog(str(m.k7))\n"
    write(d, "dup.rb", src)
    p = run(["check", "dup.rb"], d)
    cols = [src.index(", k5: 1") + 3, src.index(', "k99999"') + 3, src.index(", k5: 3") + 3]
    want = [f"dup.rb:1:{cols[0]}: error: key `k5` appears twice in this map",
            f"dup.rb:1:{cols[1]}: error: key `k99999` appears twice in this map",
            f"dup.rb:1:{cols[2]}: error: key `k5` appears twice in this map"]
    check(p.returncode == 65 and errors(p) == want, f"duplicate keys: {errors(p)}", p.err[-2000:])


def case_call_chain_of_200000_functions(d):
    """The recursion check walked the call graph with one C frame a call (a segfault at 200,000
    functions each calling the next); a cycle at the end of the chain is still found."""
    n = 200000
    fns = "".join(f"fn f{i}() {{ return f{i + 1}() }}\n" for i in range(n - 1))
    write(d, "chain.rb", fns + f"fn f{n - 1}() {{ return 1 }}\nlog(str(f0()))\n")
    p = run(["run", "chain.rb"], d)
    check(p.returncode == 0 and "log    1" in p.out, f"a chain of {n} calls: exit {p.returncode}", p.out, p.err[-2000:])
    write(d, "cycle.rb", fns + f"fn f{n - 1}() {{ return f{n - 2}() }}\nlog(str(f0()))\n")
    p = run(["check", "cycle.rb"], d)
    errs = errors(p)
    check(p.returncode == 65 and len(errs) == 1 and
          errs[0].startswith(f"cycle.rb:{n - 1}:4: error: recursion is not allowed: f{n - 2} -> f{n - 1} -> f{n - 2}"),
          f"a cycle at the end of {n} calls: {errs}", p.err[-2000:])


def case_many_names_and_diagnostics(d):
    """Other pairwise scans of the checker and of `check`: 50,000 env names (each read scanned
    them all), a call naming 20,000 arguments of a 20,000-parameter fn, 40,000 warnings the
    checker adds after 40,000 others (an insertion sort), 100,000 unknown names past the error
    limit (each still looked for a "did you mean")."""
    n = 50000
    write(d, "env.rb", "env " + ", ".join(f"E{i}" for i in range(n)) + " optional\nenv E7\n" +
          "".join(f"log(\"{{env.E{i}}}\")\n" for i in range(0, n, 997)) + "log(\"{env.E49999}\")\n")
    p = run(["check", "env.rb"], d)
    check(p.returncode == 65 and errors(p) == ["env.rb:2:5: error: environment variable `E7` is declared twice"],
          f"{n} env names: exit {p.returncode}, {errors(p)[:3]}", p.err[-2000:])
    k = 20000
    write(d, "named.rb", "fn f(" + ", ".join(f"p{i}" for i in range(k)) + ") { return p0 + p19999 }\n" +
          "log(str(f(" + ", ".join(f"p{i}: {i}" for i in reversed(range(k))) + ")))\n")
    p = run(["run", "named.rb"], d)
    check(p.returncode == 0 and "log    19999" in p.out, f"{k} named arguments: exit {p.returncode}", p.out, p.err[-2000:])
    m = 40000
    write(d, "warn.rb", "".join(f"let x{i} = {i}\n" for i in range(m)) + "".join(f"{i} == {i}\n" for i in range(m)))
    p = run(["check", "warn.rb"], d)
    lines = [int(l.split(":")[1]) for l in p.err.splitlines() if l.startswith("warn.rb:")]
    check(p.returncode == 0 and len(lines) == 2 * m and lines == sorted(lines) and lines[0] == 1,
          f"{2 * m} warnings in order: exit {p.returncode}, {len(lines)} lines", p.err[:1000])
    write(d, "unknown.rb", "".join(f"let name_number_{i} = {i}\n" for i in range(300)) +
          "".join(f"log(str(nam_numbr_{i} + name_number_{i % 300}))\n" for i in range(100000)))
    p = run(["check", "unknown.rb"], d)
    errs = errors(p)
    check(p.returncode == 65 and len(errs) == 100 and errs[0] == "unknown.rb:301:9: error: unknown name `nam_numbr_0`" and
          "did you mean `name_number_0`?" in p.err, f"100,000 unknown names: exit {p.returncode}, {errs[:2]}", p.err[:2000])


def case_long_line_diagnostics(d):
    """A diagnostic shows at most 200 bytes of its line, around the caret: a generated line of
    megabytes under each of 100 errors was hundreds of megabytes of output."""
    terms = [f"y{i}" if i % 2000 == 0 else "1" for i in range(200000)]
    src = "let x = [" + ", ".join(terms) + "]\nlog(str(x))\n"  # wide, not deep
    write(d, "long.rb", src)
    p = run(["check", "long.rb"], d)
    errs = errors(p)
    col = src.index("y2000") + 1
    lines = p.err.splitlines()
    at = lines.index(f"long.rb:1:{col}: error: unknown name `y2000`")
    shown, caret = lines[at + 1], lines[at + 2]
    check(p.returncode == 65 and len(errs) == 100 and len(p.err) < 100 * 1000 and
          shown.startswith("    1 | ...") and shown.endswith("...") and
          shown[caret.index("^")] == "y" and shown[caret.index("^"):].startswith("y2000,"),
          f"100 errors on a line of {len(src)} bytes: {len(p.err)} bytes of output", p.err[:3000])


def case_default_arguments_limit(d):
    """A default is compiled into every call that leaves it out: a 283 KB runbook compiled to
    101 MB, and defaults calling functions with defaults grew exponentially. The calls of one
    runbook repeat at most 4,194,304 nodes of defaults; past that, the call is an error."""
    limit = 1 << 22  # RBK_MAX_DEFAULT_NODES, compiler/compiler.h
    default = "[" + ", ".join(["0"] * 4095) + "]"  # 4,096 nodes: the list and its items
    for calls, ok in ((limit // 4096, True), (limit // 4096 + 1, False)):
        write(d, "defaults.rb", f"fn f(x = {default}) {{ return len(x) }}\n" + "log(str(f()))\n" * calls)
        p = run(["compile", "-o", "defaults.rbc", "defaults.rb"] if ok else ["check", "defaults.rb"], d)
        errs = errors(p)
        check((p.returncode == 0 and not errs) if ok else
              (p.returncode == 65 and len(errs) == 1 and errs[0].startswith(
                  f"defaults.rb:{calls + 1}:9: error: the default arguments the calls of this runbook leave out are too large")),
              f"{calls} calls of a 4,096-node default: exit {p.returncode}, {errs[:2]}", p.err[-2000:])
    fns = "fn g0(x = [0, 0, 0]) { return len(x) }\n" + "".join(
        f"fn g{i}(x = g{i - 1}() + g{i - 1}() + g{i - 1}() + g{i - 1}()) {{ return x }}\n" for i in range(1, 13))
    write(d, "nested.rb", fns + "log(str(g12()))\n")  # 4^12 copies of g0's default
    p = run(["compile", "-o", "nested.rbc", "nested.rb"], d)
    errs = errors(p)
    check(p.returncode == 65 and len(errs) == 1 and "default arguments" in errs[0],
          f"defaults expanding defaults 4^12 times: exit {p.returncode}, {errs[:2]}", p.err[-2000:])


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
