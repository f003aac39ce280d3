#!/usr/bin/env python3
"""tests/fmt/cli_test.py — `runbook fmt`: the layout goldens (tests/fmt/cases/NAME.in.rb must
format to NAME.out.rb, and NAME.out.rb to itself) and each flag and error path of the command:
in place (atomic, the mode kept), --check, --diff (the diff applied to the old text gives the
new one), - (stdin to stdout), directories, a file with syntax errors, a read-only file, a
missing file, usage errors; and examples/ is in the layout (`runbook fmt --check examples/`).

usage: cli_test.py --runbook BIN --cases DIR --tmp DIR
"""
import argparse
import os
import re
import shutil
import stat
import subprocess
import sys

FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
    return cond


def run(rb, args, inp=None, cwd=None):
    p = subprocess.run([rb] + args, input=inp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def apply_unified(old, diff):
    """old's lines with a unified diff applied (strict: every context and removed line must match)."""
    a = old.split("\n")
    if a and a[-1] == "":
        a.pop()
    out, pos, lines, i = [], 0, diff.split("\n"), 2
    while i < len(lines) and lines[i].startswith("@@"):
        m = re.match(r"@@ -(\d+),(\d+) \+(\d+),(\d+) @@$", lines[i])
        if not m:
            raise ValueError("bad hunk header " + lines[i])
        start = int(m.group(1)) - (1 if int(m.group(2)) else 0)
        out += a[pos:start]
        pos = start
        i += 1
        while i < len(lines) and lines[i] and lines[i][0] in " -+\\":
            t, body = lines[i][0], lines[i][1:]
            if t in " -":
                if a[pos] != body:
                    raise ValueError("line %d: %r is not %r" % (pos + 1, a[pos], body))
                pos += 1
            if t in " +":
                out.append(body)
            i += 1
    out += a[pos:]
    return "\n".join(out) + ("\n" if out else "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runbook", required=True)
    ap.add_argument("--cases", required=True)
    ap.add_argument("--tmp", required=True)
    o = ap.parse_args()
    rb = os.path.abspath(o.runbook)
    shutil.rmtree(o.tmp, ignore_errors=True)
    os.makedirs(o.tmp)

    # goldens of the layout
    names = sorted(f[:-6] for f in os.listdir(o.cases) if f.endswith(".in.rb"))
    check(len(names) >= 5, "layout goldens missing")
    for n in names:
        with open(os.path.join(o.cases, n + ".in.rb"), "rb") as f:
            src = f.read()
        with open(os.path.join(o.cases, n + ".out.rb"), "rb") as f:
            want = f.read()
        p = subprocess.run([rb, "fmt", "-"], input=src, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        check(p.returncode == 0 and p.stdout == want, "golden %s: fmt - gives %r" % (n, p.stdout[:300]))
        p = subprocess.run([rb, "fmt", "-"], input=want, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        check(p.returncode == 0 and p.stdout == want, "golden %s: the expected layout is not a fixed point" % n)

    # the examples are what a reader copies: they are in the layout (docs/style.md)
    examples = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(o.cases)))), "examples")
    rc, out, err = run(rb, ["fmt", "--check", examples])
    check(rc == 0 and out == "", "examples/ not in runbook fmt's layout (run `runbook fmt examples/`): %s%s" % (out, err))

    src_path = os.path.join(o.cases, "spacing.in.rb")
    with open(src_path) as f:
        messy = f.read()
    with open(os.path.join(o.cases, "spacing.out.rb")) as f:
        tidy = f.read()

    # in place: rewritten, the mode kept, no temporary file left
    d = os.path.join(o.tmp, "inplace")
    os.makedirs(d)
    x = os.path.join(d, "x.rb")
    with open(x, "w") as f:
        f.write(messy)
    os.chmod(x, 0o640)
    rc, out, err = run(rb, ["fmt", x])
    with open(x) as f:
        check(rc == 0 and f.read() == tidy and out == "", "in place: exit %d %r" % (rc, err))
    check(stat.S_IMODE(os.stat(x).st_mode) == 0o640, "in place: mode not kept: %o" % os.stat(x).st_mode)
    check(os.listdir(d) == ["x.rb"], "in place: left %r" % os.listdir(d))
    rc, out, err = run(rb, ["fmt", x])
    check(rc == 0 and out == "" and err == "", "a formatted file: exit %d %r %r" % (rc, out, err))

    # --check: lists the files that would change, exit 1, changes nothing; 0 when all are formatted
    y = os.path.join(d, "y.rb")
    with open(y, "w") as f:
        f.write(messy)
    rc, out, err = run(rb, ["fmt", "--check", x, y])
    check(rc == 1 and out == y + "\n", "--check: exit %d, listed %r" % (rc, out))
    with open(y) as f:
        check(f.read() == messy, "--check changed the file")
    rc, out, err = run(rb, ["fmt", "--check", x])
    check(rc == 0 and out == "", "--check of a formatted file: exit %d %r" % (rc, out))

    # --diff: a unified diff that turns the file into its formatted text; the file unchanged
    rc, out, err = run(rb, ["fmt", "--diff", y])
    check(rc == 0 and out.startswith("--- %s\n+++ %s\n@@ " % (y, y)), "--diff: exit %d %r" % (rc, out[:200]))
    try:
        check(apply_unified(messy, out) == tidy, "--diff: applying it does not give the formatted text")
    except (ValueError, IndexError) as e:
        check(False, "--diff: does not apply: %s" % e)
    with open(y) as f:
        check(f.read() == messy, "--diff changed the file")
    rc, out, err = run(rb, ["fmt", "--check", "--diff", y])
    check(rc == 1 and out.startswith("--- "), "--check --diff: exit %d" % rc)
    # a diff with a change at the very end, from a file without a final newline
    z = os.path.join(d, "z.rb")
    with open(z, "w") as f:
        f.write('runbook "z"\nlog( 1 )')
    rc, out, err = run(rb, ["fmt", "--diff", z])
    check(out.endswith('-log( 1 )\n\\ No newline at end of file\n+log(1)\n'), "--diff without a final newline: %r" % out)

    # - : stdin to stdout
    rc, out, err = run(rb, ["fmt", "-"], messy.encode())
    check(rc == 0 and out == tidy, "fmt -: exit %d" % rc)
    rc, out, err = run(rb, ["fmt", "--check", "-"], messy.encode())
    check(rc == 1 and out == "<stdin>\n", "fmt --check -: exit %d %r" % (rc, out))
    rc, out, err = run(rb, ["fmt", "--diff", "-"], messy.encode())
    check(rc == 0 and out.startswith("--- <stdin>\n+++ <stdin>\n"), "fmt --diff -: %r" % out[:100])

    # a directory: its runbooks, recursively (names starting with . skipped)
    dd = os.path.join(o.tmp, "dir")
    os.makedirs(os.path.join(dd, "sub"))
    os.makedirs(os.path.join(dd, ".hidden"))
    for p in ("a.rb", "sub/b.runbook", ".hidden/c.rb", "notes.txt"):
        with open(os.path.join(dd, p), "w") as f:
            f.write(messy)
    rc, out, err = run(rb, ["fmt", "--check", dd])
    check(rc == 1 and out == "%s/a.rb\n%s/sub/b.runbook\n" % (dd, dd), "a directory: %r" % out)

    # syntax errors: refused with the parser's diagnostics (file:line:col), the file untouched
    bad = os.path.join(d, "bad.rb")
    with open(os.path.join(o.cases, "syntax_error.bad.rb")) as f:
        bad_text = f.read()
    with open(bad, "w") as f:
        f.write(bad_text)
    for args in ([bad], ["--check", bad], ["--diff", bad]):
        rc, out, err = run(rb, ["fmt"] + args)
        with open(bad) as f:
            check(rc == 65 and out == "" and f.read() == bad_text and re.search(r"bad\.rb:4:\d+: error: ", err) and
                  "has syntax errors: not formatted" in err, "syntax errors %r: exit %d %r" % (args, rc, err))
    rc, out, err = run(rb, ["fmt", "-"], bad_text.encode())
    check(rc == 65 and out == "" and "<stdin>:4:" in err, "syntax errors on stdin: exit %d %r" % (rc, err))
    # the other files are still formatted, the exit code is the worst
    w = os.path.join(d, "w.rb")
    with open(w, "w") as f:
        f.write(messy)
    rc, out, err = run(rb, ["fmt", bad, w])
    with open(w) as f:
        check(rc == 65 and f.read() == tidy, "syntax errors with another file: exit %d" % rc)

    # a read-only file: an error naming it, the file untouched (a rename would replace it)
    ro = os.path.join(d, "ro.rb")
    with open(ro, "w") as f:
        f.write(messy)
    os.chmod(ro, 0o444)
    rc, out, err = run(rb, ["fmt", ro])
    with open(ro) as f:
        check(rc == 64 and 'cannot write "%s": it is read-only' % ro in err and f.read() == messy, "read-only: exit %d %r" % (rc, err))
    # a full disk: the write fails, the file is left as it was, no temporary file stays behind
    # (a small tmpfs: needs the right to mount, as root in the CI container; skipped otherwise)
    full = os.path.join(o.tmp, "full")
    os.makedirs(full)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", full], stderr=subprocess.DEVNULL).returncode == 0:
        try:
            fx = os.path.join(full, "x.rb")
            big = "".join("let v%d=[%d,%d]\n" % (k, k, k) for k in range(600))
            with open(fx, "w") as f:
                f.write(big)
            try:
                with open(os.path.join(full, "filler"), "wb") as f:
                    while True:
                        f.write(b"\0" * 512)
                        f.flush()
            except OSError:
                pass
            rc, out, err = run(rb, ["fmt", fx])
            with open(fx) as f:
                check(rc == 64 and "No space left on device" in err and "the file is unchanged" in err and f.read() == big,
                      "full disk: exit %d %r" % (rc, err))
            check(sorted(os.listdir(full)) == ["filler", "x.rb"], "full disk: left %r" % os.listdir(full))
        finally:
            subprocess.run(["umount", full])
    else:
        print("note: cannot mount a tmpfs here: the full-disk case is not run")

    # a file that does not exist, a directory that cannot be read
    rc, out, err = run(rb, ["fmt", os.path.join(d, "missing.rb")])
    check(rc == 64 and "missing.rb" in err, "missing file: exit %d %r" % (rc, err))
    # a FIFO is never waited on
    fifo = os.path.join(d, "fifo.rb")
    os.mkfifo(fifo)
    rc, out, err = run(rb, ["fmt", fifo])
    check(rc == 64 and "FIFO" in err, "FIFO: exit %d %r" % (rc, err))

    # usage
    for args, what in (([], "no files given"), (["--frobnicate", x], "unknown option"), (["-", x], "cannot be given with files")):
        rc, out, err = run(rb, ["fmt"] + args)
        check(rc == 64 and what in err, "usage %r: exit %d %r" % (args, rc, err))
    rc, out, err = run(rb, ["fmt", "--help"])
    check(rc == 0 and "runbook fmt" in out, "--help: exit %d" % rc)

    for f in FAILS:
        print("FAIL " + f)
    print("fmt cli: %d layout goldens, %d failures" % (len(names), len(FAILS)))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
