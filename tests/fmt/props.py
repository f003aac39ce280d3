#!/usr/bin/env python3
"""tests/fmt/props.py — the properties of `runbook fmt` on every runbook source of the
repository (tests/golden, examples, stdlib/std, docs-free .rb/.runbook files anywhere outside
build directories), the parser fuzz corpus seeds and a generated benchmark runbook
(bench/gen_runbook.py):

  1. idempotent: fmt(fmt(x)) == fmt(x), byte for byte;
  2. every comment survives: the comments of x and of fmt(x), found by a scanner written here
     (it knows strings, interpolations and raw strings, independently of the C lexer), are the
     same list of texts (trailing blanks aside), in the same order;
  3. meaning preserved: when x compiles, fmt(x) compiles to the same program: `runbook disasm`
     of both, with every source position (file:line:col) replaced by POS, the `sources:`
     block (path, sha256, size) and the artifact sha256 dropped, compared line for line; the
     text the program embeds from its source (an expectation's text: what `expect` shows when it
     fails, cut at 200 bytes) may differ only in blanks and in the comma fmt adds after the last
     argument of a call it breaks; everything else must be equal. When x does not compile (a golden of the checker),
     `runbook check --format json` of both gives the same diagnostics (severity, rule,
     message; positions dropped);
  4. a file with syntax errors is refused: `runbook fmt FILE` exits 65, says why, and leaves the
     file byte-identical (checked on a copy).

usage: props.py --runbook BIN --source DIR --tmp DIR
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

SKIP_DIRS = {".git", "build", "node_modules"}


def sources(root):
    out = []
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if x not in SKIP_DIRS and not x.startswith("build") and not x.startswith("."))
        for f in sorted(files):
            if f.endswith(".rb") or f.endswith(".runbook"):
                out.append(os.path.join(d, f))
    seeds = os.path.join(root, "tests", "fuzz", "seeds", "parse")
    if os.path.isdir(seeds):
        out += [os.path.join(seeds, f) for f in sorted(os.listdir(seeds))]
    return out


def comments(text):
    """The comments of a runbook source, in order, each without trailing blanks."""
    out = []
    i, n = 0, len(text)
    stack = []  # open strings: ['"' or 'T', braces inside the current interpolation]; code when the top is in an interpolation
    in_code = True
    while i < n:
        c = text[i]
        if in_code:
            if c == "#":
                j = text.find("\n", i)
                j = n if j < 0 else j
                out.append(text[i:j].rstrip(" \t\r"))
                i = j
            elif text.startswith('"""', i):
                stack.append(["T", 0])
                in_code = False
                i += 3
            elif c == '"':
                stack.append(['"', 0])
                in_code = False
                i += 1
            elif c == "'":
                i += 1
                while i < n and text[i] != "'":
                    i += 2 if text[i] == "\\" else 1
                i += 1
            elif c == "{" and stack:
                stack[-1][1] += 1
                i += 1
            elif c == "}" and stack:
                if stack[-1][1] == 0:
                    in_code = False
                else:
                    stack[-1][1] -= 1
                i += 1
            else:
                i += 1
        else:
            kind = stack[-1][0]
            if c == "\\":
                i += 2
            elif c == "{":
                in_code = True
                i += 1
            elif kind == "T" and text.startswith('"""', i):
                stack.pop()
                in_code = True
                i += 3
            elif kind == '"' and (c == '"' or c == "\n"):
                stack.pop()
                in_code = True
                i += 1
            else:
                i += 1
    return out


POS = re.compile(r"[^\s;]*:\d+:\d+")


def normalize_disasm(text):
    """The disassembly's lines without what may differ: every position (file:line:col) is POS,
    the artifact's sha256 and the `sources:` block (path, sha256, size) are dropped, and an
    expectation's source text (the `expect "..."`/`stop_if "..."` and `trace N: "..."` lines of
    the expectations table: the code as written, embedded for the failure message) loses its
    blanks, escaped blanks (\\n, \\t, \\x0d) and commas right before a closing bracket, and is
    compared as far as both go when one was cut (at 200 bytes)."""
    lines, skip, expectations = [], False, False
    for l in text.splitlines():
        if l.startswith("artifact sha256:"):
            continue
        if l == "sources:":
            skip = True
            continue
        if skip and l.startswith("  "):
            continue
        skip = False
        if l and not l.startswith(" "):
            expectations = l == "expectations:"
        l = POS.sub("POS", l)
        if expectations:
            m = re.match(r'^(\s+(?:\d+\s+(?:expect|stop_if)|trace \d+:) )"(.*)"(\.\.\.)?(.*)$', l)
            if m:
                body = re.sub(r"\s+|\\[nt]|\\x0d", "", m.group(2))
                body = re.sub(r",(?=[)\]}])", "", body)  # the comma after a broken call's last argument
                l = (m.group(1), body, m.group(3) or "", m.group(4))
        lines.append(l)
    return lines


def same_line(x, y):
    if isinstance(x, tuple) and isinstance(y, tuple):
        if x[0] != y[0] or x[3] != y[3]:
            return False
        if x[2] or y[2]:  # cut at 200 bytes of the text as written: compare what both have
            n = min(len(x[1]), len(y[1])) - 8
            return x[1][:max(n, 0)] == y[1][:max(n, 0)]
        return x[1] == y[1]
    return x == y


def run(cmd, inp=None):
    p = subprocess.run(cmd, input=inp, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout, p.stderr


def mirror(root, path, base):
    """path's copy under base, at the same place relative to root, with the modules it uses by a
    relative path (and theirs) copied too; returns the copy's path."""
    todo, seen, first = [path], set(), None
    while todo:
        p = os.path.normpath(todo.pop())
        if p in seen or not os.path.isfile(p):
            continue
        seen.add(p)
        rel = os.path.relpath(p, root)
        dst = os.path.join(base, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(p, dst)
        first = first or dst
        with open(p, encoding="utf-8", errors="replace") as f:
            for m in re.finditer(r'use\s+"(\.\.?/[^"]+)"', f.read()):
                todo.append(os.path.join(os.path.dirname(p), m.group(1)))
    return first


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runbook", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--tmp", required=True)
    a = ap.parse_args()
    rb, root = os.path.abspath(a.runbook), os.path.abspath(a.source)
    shutil.rmtree(a.tmp, ignore_errors=True)
    os.makedirs(a.tmp)
    files = sources(root)
    gen = os.path.join(a.tmp, "gen", "bench", "generated_2000.rb")
    os.makedirs(os.path.dirname(gen))
    subprocess.run([sys.executable, os.path.join(root, "bench", "gen_runbook.py"), "2000", gen], check=True,
                   stdout=subprocess.DEVNULL)
    files.append(gen)
    fails, counts = [], {"formatted": 0, "changed": 0, "refused": 0, "compiled": 0, "checked": 0, "comments": 0}
    for i, path in enumerate(files):
        rel = os.path.relpath(path, root) if path.startswith(root) else os.path.relpath(path, a.tmp)
        with open(path, "rb") as f:
            orig = f.read()
        rc, out, err = run([rb, "fmt", "-"], orig)
        if rc == 65:
            counts["refused"] += 1
            copy = os.path.join(a.tmp, "refused", rel)
            os.makedirs(os.path.dirname(copy), exist_ok=True)
            shutil.copyfile(path, copy)
            rc2, _, err2 = run([rb, "fmt", copy])
            with open(copy, "rb") as f:
                after = f.read()
            if rc2 != 65 or after != orig or b"syntax errors: not formatted" not in err2 or b"error" not in err2:
                fails.append("%s: a file with syntax errors was not refused intact (exit %d)" % (rel, rc2))
            continue
        if rc != 0:
            fails.append("%s: fmt exited %d: %s" % (rel, rc, err.decode(errors="replace")[:500]))
            continue
        counts["formatted"] += 1
        counts["changed"] += out != orig
        rc2, out2, err2 = run([rb, "fmt", "-"], out)
        if rc2 != 0 or out2 != out:
            fails.append("%s: not idempotent (second pass exit %d)" % (rel, rc2))
        co, cf = comments(orig.decode("utf-8", "replace")), comments(out.decode("utf-8", "replace"))
        counts["comments"] += len(co)
        if co != cf:
            fails.append("%s: comments differ: %d before, %d after; first difference %r" % (
                rel, len(co), len(cf), next(((x, y) for x, y in zip(co, cf) if x != y), None)))
        # meaning: the same place in two mirrors (relative modules copied along)
        if os.path.getsize(path) > 1 << 20:
            continue
        pa = mirror(os.path.dirname(path) if not path.startswith(root) else root, path, os.path.join(a.tmp, "a"))
        pb = mirror(os.path.dirname(path) if not path.startswith(root) else root, path, os.path.join(a.tmp, "b"))
        with open(pb, "wb") as f:
            f.write(out)
        ra, da, _ = run([rb, "disasm", pa])
        rbb, db, _ = run([rb, "disasm", pb])
        if ra != rbb:
            fails.append("%s: disasm exit %d before, %d after" % (rel, ra, rbb))
        elif ra == 0:
            counts["compiled"] += 1
            la, lb = normalize_disasm(da.decode("utf-8", "replace")), normalize_disasm(db.decode("utf-8", "replace"))
            if len(la) != len(lb) or any(not same_line(x, y) for x, y in zip(la, lb)):
                d = next(((x, y) for x, y in zip(la, lb) if not same_line(x, y)), ("lines", "%d/%d" % (len(la), len(lb))))
                fails.append("%s: compiles differently: %r vs %r" % (rel, d[0], d[1]))
        else:
            counts["checked"] += 1
            ca = json.loads(run([rb, "check", "--format", "json", pa])[1] or b"{}")
            cb = json.loads(run([rb, "check", "--format", "json", pb])[1] or b"{}")
            ka = [(d.get("severity"), d.get("rule"), d.get("message")) for d in ca.get("diagnostics", [])]
            kb = [(d.get("severity"), d.get("rule"), d.get("message")) for d in cb.get("diagnostics", [])]
            if ka != kb:
                fails.append("%s: check reports differently: %r vs %r" % (rel, ka[:3], kb[:3]))
        shutil.rmtree(os.path.join(a.tmp, "a"), ignore_errors=True)
        shutil.rmtree(os.path.join(a.tmp, "b"), ignore_errors=True)
    print("fmt properties: %d files (%d formatted, %d of them changed by it; %d refused for syntax errors); "
          "%d compiled and compared, %d compared by their diagnostics; %d comments kept" % (
              len(files), counts["formatted"], counts["changed"], counts["refused"], counts["compiled"],
              counts["checked"], counts["comments"]))
    for f in fails:
        print("FAIL " + f)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
