#!/usr/bin/env python3
"""Golden test runner: runs annotated .rb files through the runbook binary and checks the output.

Owns: the annotation syntax documented in tests/golden/README.md (that file and this one must
agree), how a golden file is run (cwd, argv, env, stdin, timeout) and how its output is judged.
Used by tests/golden.cmake (one ctest test per tests/golden/<dir> and one for examples/) and
tested by tests/golden_runner_selftest/ against a fake runbook. Python 3 standard library only.

Usage: golden_runner.py --runbook BINARY [--services-env FILE] [--fleet-env FILE] [--wrapper CMD] FILE_OR_DIR...
"""

import argparse
import os
import re
import selectors
import shlex
import signal
import subprocess
import sys
import time

TIMEOUT_S = 120.0
MODES = ("check", "run", "compile", "plan", "disasm", "doc", "resume")
# fleet: the loopback sshd fleet of scripts/sshd_fleet.sh (--fleet-env: its fleet.env)
REQUIRES = {"pg": "RBK_PG_URL", "http": "RBK_HTTP_URL", "https": "RBK_HTTPS_URL", "fleet": "RBK_SSH_CONFIG"}

# Own-line annotations: optional indentation, '#', the keyword, ':' and the value.
OWN_LINE = re.compile(
    r"^\s*#\s*(args|env|stdin|mode|exit|expect|not-expect|requires|skip|file):\s?(.*?)\s*$")
FLAG_LINE = re.compile(r"^\s*#\s*(allow-warnings|diag:)\s*$")
DIAG_BODY = re.compile(r"^\s*#\s*\|(?: (.*)|())$")
# Trailing (or own-line) diagnostic expectations; several may share one line.
EXPECT_DIAG = re.compile(r"#\s*expect (error|warning):\s*(.*?)\s*(?=#\s*expect (?:error|warning):|$)")
# A rendered diagnostic: path:line:col: severity: message
DIAG_LINE = re.compile(r"^(.+?):(\d+):(\d+): (error|warning): (.*)$")
SANITIZER = re.compile(
    r"(ERROR: (AddressSanitizer|LeakSanitizer)|^\S+\.[ch]:\d+:\d+: runtime error: )")
VAR_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class Golden:
    """The annotations of one golden file."""

    def __init__(self, path):
        self.path = path
        self.args = []
        self.env = []            # (name, raw value) in order
        self.stdin = None        # list of lines or None
        self.mode = None
        self.exit = None
        self.expects = []        # (source line, text)
        self.not_expects = []
        self.requires = []
        self.skip = None
        self.file = None
        self.allow_warnings = False
        self.diag_blocks = []    # list of (source line, [lines])
        self.diags = []          # (severity, line, message prefix)
        self.problems = []       # malformed annotations


def parse(path):
    g = Golden(path)
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    block = None
    for n, line in enumerate(lines, start=1):
        body = DIAG_BODY.match(line)
        if block is not None:
            if body:
                block.append(body.group(1) or "")
                continue
            block = None
        flag = FLAG_LINE.match(line)
        if flag:
            if flag.group(1) == "allow-warnings":
                g.allow_warnings = True
            else:
                block = []
                g.diag_blocks.append((n, block))
            continue
        for sev, msg in EXPECT_DIAG.findall(line):
            if not msg:
                g.problems.append(f"line {n}: empty 'expect {sev}:' message")
            g.diags.append((sev, n, msg))
        m = OWN_LINE.match(line)
        if not m:
            continue
        key, val = m.group(1), m.group(2)
        if key == "args":
            try:
                g.args.extend(shlex.split(val))
            except ValueError as e:
                g.problems.append(f"line {n}: bad '# args:': {e}")
        elif key == "env":
            name, sep, value = val.partition("=")
            if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                g.problems.append(f"line {n}: '# env:' wants NAME=value, got {val!r}")
            else:
                g.env.append((name, value))
        elif key == "stdin":
            g.stdin = (g.stdin or []) + [val]
        elif key == "mode":
            if val not in MODES:
                g.problems.append(f"line {n}: unknown mode {val!r} (one of {', '.join(MODES)})")
            g.mode = val
        elif key == "exit":
            try:
                g.exit = int(val)
            except ValueError:
                g.problems.append(f"line {n}: '# exit:' wants a number, got {val!r}")
        elif key == "expect":
            g.expects.append((n, val))
        elif key == "not-expect":
            g.not_expects.append((n, val))
        elif key == "requires":
            for r in re.split(r"[\s,]+", val):
                if not r:
                    continue
                if r not in REQUIRES:
                    g.problems.append(f"line {n}: unknown requirement {r!r} (one of {', '.join(REQUIRES)})")
                g.requires.append(r)
        elif key == "skip":
            g.skip = val or "skipped"
        elif key == "file":
            g.file = val
    for n, blk in g.diag_blocks:
        if not blk:
            g.problems.append(f"line {n}: '# diag:' block without '# |' lines")
    has_error = any(sev == "error" for sev, _, _ in g.diags)
    if g.mode is None:
        g.mode = "check" if g.diags else "run"
    if g.exit is None:
        g.exit = 65 if has_error else 0
    return g


def read_services_env(path):
    env = {}
    if not path:
        return env
    try:
        with open(path, encoding="utf-8") as f:
            for raw in f:
                line = raw.strip()
                if not line or line.startswith("#"):
                    continue
                if line.startswith("export "):
                    line = line[len("export "):].strip()
                name, sep, value = line.partition("=")
                if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                    continue
                try:
                    parts = shlex.split(value)
                    value = parts[0] if len(parts) == 1 else value
                except ValueError:
                    pass
                env[name] = value
    except FileNotFoundError:
        print(f"note: services env {path} not found; tests with '# requires:' are skipped")
    return env


def expand(text, env):
    """${NAME} -> env value (unknown names stay as written)."""
    return VAR_REF.sub(lambda m: env.get(m.group(1), m.group(0)), text)


def run_process(argv, cwd, env, stdin_text, timeout):
    """Runs argv; returns (exit code or None on timeout, stdout lines, stderr lines, combined).
    combined is [(stream, line)] in the order lines arrived; stdout and stderr are separate pipes,
    so the order between the two streams is only approximate (see judge)."""
    proc = subprocess.Popen(
        argv, cwd=cwd, env=env, start_new_session=True,
        stdin=subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if stdin_text is not None:
        try:
            proc.stdin.write(stdin_text.encode())
            proc.stdin.close()
        except BrokenPipeError:
            pass
    sel = selectors.DefaultSelector()
    partial = {"out": b"", "err": b""}
    lines = {"out": [], "err": []}
    combined = []
    sel.register(proc.stdout, selectors.EVENT_READ, "out")
    sel.register(proc.stderr, selectors.EVENT_READ, "err")
    deadline = time.monotonic() + timeout
    exited_at = None
    timed_out = False

    def take(name, data, final=False):
        buf = partial[name] + data
        parts = buf.split(b"\n")
        partial[name] = parts.pop()
        if final and partial[name]:
            parts.append(partial[name])
            partial[name] = b""
        for p in parts:
            s = p.decode("utf-8", errors="replace")
            lines[name].append(s)
            combined.append((name, s))

    while sel.get_map():
        now = time.monotonic()
        if now >= deadline:
            timed_out = True
            break
        if exited_at is None and proc.poll() is not None:
            exited_at = now
        # A grandchild may keep a pipe open after runbook exits: stop reading 5 s later.
        if exited_at is not None and now - exited_at > 5:
            break
        for key, _ in sel.select(timeout=0.2):
            data = os.read(key.fileobj.fileno(), 65536)
            if not data:
                sel.unregister(key.fileobj)
                continue
            take(key.data, data)
    for name in ("out", "err"):
        take(name, b"", final=True)
    sel.close()
    if timed_out or proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    code = proc.wait()
    # Whatever the runbook started in its session and left behind is killed, too.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.stdout.close()
    proc.stderr.close()
    return (None if timed_out else code), lines["out"], lines["err"], combined


def judge(g, rel, code, out, err, combined, timeout=TIMEOUT_S):
    """Returns a list of failure messages (empty: the file passed)."""
    fails = []
    if code is None:
        fails.append(f"timed out after {timeout:g} s")
    elif code != g.exit:
        fails.append(f"exit code {code}, expected {g.exit}")

    for _, line in combined:
        if SANITIZER.search(line):
            fails.append(f"sanitizer report: {line}")
            break

    # Ordered '# expect:' lines. The order is checked within each stream: a match must come after
    # the previous match in the same stream. Between stdout and stderr (two pipes) the order of
    # arrival depends on scheduling, so it is not checked — a golden must never be flaky.
    pos = {"out": -1, "err": -1}
    matched_lines = set()
    for n, text in g.expects:
        for i, (stream, line) in enumerate(combined):
            if i > pos[stream] and text in line:
                matched_lines.add(i)
                pos[stream] = i
                break
        else:
            where = "after the previous expect" if max(pos.values()) >= 0 else "in the output"
            fails.append(f"line {n}: expected a line containing {text!r} {where}")
    for n, text in g.not_expects:
        for _, line in combined:
            if text in line:
                fails.append(f"line {n}: output must not contain {text!r}, but has: {line}")
                break

    # Whole rendered diagnostics in stderr.
    block_lines = set()
    err_r = [e.rstrip() for e in err]
    for n, blk in g.diag_blocks:
        want = [b.rstrip() for b in blk]
        found = False
        for i in range(0, len(err_r) - len(want) + 1):
            if err_r[i:i + len(want)] == want:
                found = True
                block_lines.update(err[i:i + len(want)])
                break
        if not found and want:
            fails.append(f"line {n}: diagnostic block not found in stderr:\n" +
                         "\n".join("    | " + w for w in want))

    # Diagnostics: every annotated one present; every error (and warning unless allowed) annotated.
    diags = []
    for i, (stream, line) in enumerate(combined):
        m = DIAG_LINE.match(line)
        if m:
            # A run's own output (stdout) reports runtime errors with positions; those are
            # checked with `# expect:` lines. Compile diagnostics (stderr) must be annotated.
            runtime = g.mode == "run" and stream == "out"
            diags.append({"i": i, "line": line, "path": m.group(1), "lno": int(m.group(2)),
                          "sev": m.group(4), "msg": m.group(5), "used": runtime})
    for sev, lno, msg in g.diags:
        for d in diags:
            if (not d["used"] and d["path"] == rel and d["lno"] == lno and d["sev"] == sev
                    and d["msg"].startswith(msg)):
                d["used"] = True
                break
        else:
            fails.append(f"line {lno}: expected '{rel}:{lno}:<col>: {sev}: {msg}'")
    for d in diags:
        if d["used"]:
            continue
        spelled = (d["i"] in matched_lines and any(
            f": {d['sev']}: " in t and t in d["line"] for _, t in g.expects)) or d["line"] in block_lines
        if spelled:
            continue
        if d["sev"] == "error":
            fails.append(f"unexpected error: {d['line']}")
        elif not g.allow_warnings:
            fails.append(f"unexpected warning (add '# expect warning:' or '# allow-warnings'): {d['line']}")
    return fails


def describe(g):
    lines = []
    for sev, lno, msg in g.diags:
        lines.append(f"  line {lno}: {sev}: {msg}")
    for n, text in g.expects:
        lines.append(f"  expect: {text}")
    for n, text in g.not_expects:
        lines.append(f"  not-expect: {text}")
    for n, blk in g.diag_blocks:
        lines.append("  diag:")
        lines.extend("    | " + b for b in blk)
    lines.append(f"  exit: {g.exit}")
    return lines


def collect(paths):
    files = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files.extend(os.path.join(root, n) for n in sorted(names) if n.endswith(".rb"))
        elif os.path.isfile(p):
            files.append(p)
        else:
            print(f"error: no such file or directory: {p}", file=sys.stderr)
            sys.exit(2)
    return files


def main():
    ap = argparse.ArgumentParser(description="Run annotated .rb golden files.")
    ap.add_argument("--runbook", required=True, help="the runbook binary")
    ap.add_argument("--services-env", help="KEY=value file written by scripts/services.sh")
    ap.add_argument("--fleet-env", help="KEY=value file written by scripts/sshd_fleet.sh (fleet.env)")
    ap.add_argument("--wrapper", default=os.environ.get("RBK_GOLDEN_WRAPPER", ""),
                    help="command prefix, e.g. 'valgrind -q --error-exitcode=99'")
    ap.add_argument("--timeout", type=float, default=TIMEOUT_S, help=argparse.SUPPRESS)
    ap.add_argument("paths", nargs="+")
    opts = ap.parse_args()

    binary = os.path.abspath(opts.runbook)
    if not os.access(binary, os.X_OK):
        print(f"error: runbook binary {opts.runbook} is not executable", file=sys.stderr)
        return 2
    services = read_services_env(opts.services_env)
    if opts.fleet_env:
        services.update(read_services_env(opts.fleet_env))
    wrapper = shlex.split(opts.wrapper)
    passed = failed = skipped = 0

    for path in collect(opts.paths):
        g = parse(path)
        if g.skip is not None:
            print(f"SKIP {path} ({g.skip})")
            skipped += 1
            continue
        if g.problems:
            print(f"FAIL {path} (bad annotations)")
            for p in g.problems:
                print(f"  {p}")
            failed += 1
            continue
        missing = [r for r in g.requires if not services.get(REQUIRES[r])]
        if missing:
            print(f"SKIP {path} (requires {', '.join(missing)}: "
                  f"{', '.join(REQUIRES[r] for r in missing)} not in the services env)")
            skipped += 1
            continue

        env = dict(os.environ)
        env.update(services)
        for name, value in g.env:
            env[name] = expand(value, env)
        env["NO_COLOR"] = "1"
        cwd = os.path.dirname(os.path.abspath(path))
        rel = os.path.basename(path)
        target = expand(g.file, env) if g.file else rel
        argv = wrapper + [binary, g.mode] + [expand(a, env) for a in g.args] + [target]
        stdin_text = None if g.stdin is None else "".join(s + "\n" for s in g.stdin)
        started = time.monotonic()
        code, out, err, combined = run_process(argv, cwd, env, stdin_text, opts.timeout)
        took = time.monotonic() - started
        fails = judge(g, rel, code, out, err, combined, opts.timeout)
        if not fails:
            print(f"PASS {path} ({took:.2f} s)")
            passed += 1
            continue
        failed += 1
        print(f"FAIL {path} ({took:.2f} s)")
        print(f"  command (in {cwd}): {shlex.join(argv)}")
        for f in fails:
            print("  " + f.replace("\n", "\n  "))
        print("  expected:")
        for line in describe(g):
            print("  " + line)
        print(f"  actual (exit {'timeout' if code is None else code}):")
        for name, buf in (("stdout", out), ("stderr", err)):
            shown = buf[:200]
            print(f"    --- {name} ({len(buf)} lines)")
            for line in shown:
                print(f"    {line}")
            if len(buf) > len(shown):
                print(f"    ... {len(buf) - len(shown)} more lines")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
