#!/usr/bin/env python3
"""tests/tty/tty_test.py — the operator's terminal, tested through a real terminal: tmux.

Each case starts `runbook run CASE.rb` in a detached tmux session of its own (a private
server: tmux -S <socket in the case's temporary directory>, 120x40, UTF-8,
TERM=xterm-256color), types into it with
send-keys and reads the screen with capture-pane. Every wait polls the screen (or the exit
file) against a deadline; there are no fixed sleeps that an assertion depends on. After the
run the pane records the exit code and `stty -a`, so every case also checks that the terminal
was left in its normal mode (echo, icanon). Term is a context manager: the tmux server is
killed and the temporary directory (socket included) removed whatever happens.

usage: tty_test.py --runbook BIN CASE...   exit 0 pass, 1 fail, 77 skip (no tmux)
       tty_test.py --list                  the case names (tests/tty.cmake makes one test each)
"""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CASES_DIR = os.path.join(HERE, "cases")
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
DEADLINE = float(os.environ.get("RBK_TTY_DEADLINE", "20"))  # seconds per wait (ASan is slow)


class Fail(Exception):
    pass


class Term:
    """One runbook run in a private tmux server; use it in a `with` block."""

    def __init__(self, runbook, case_rb, args=(), env=None, unset=(), width=120, height=40):
        self.dir = tempfile.mkdtemp(prefix="rbk-tty-")
        self.sock = os.path.join(self.dir, "tmux.sock")
        self.started = False
        try:
            self._start(runbook, case_rb, args, env, unset, width, height)
        except BaseException:
            self.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _start(self, runbook, case_rb, args, env, unset, width, height):
        shutil.copy(os.path.join(CASES_DIR, case_rb), self.dir)
        envs = {"LANG": "C.UTF-8", "TERM": "xterm-256color"}
        envs.update(env or {})
        envline = " ".join(["env"] + ["-u " + u for u in ("LC_ALL", "LC_CTYPE", "NO_COLOR") + tuple(unset)] +
                           [shlex.quote("%s=%s" % kv) for kv in envs.items()])
        run = " ".join([shlex.quote(runbook), "run", shlex.quote(case_rb)] + [shlex.quote(a) for a in args])
        q = shlex.quote(self.dir)
        # the wrapper shell traps Ctrl-C (a trap, not an ignore: runbook inherits the default)
        # so that it outlives the run and records the exit code and the terminal's mode
        cmd = ("trap : INT; cd %s && %s %s; echo $? > %s/exit.tmp; mv %s/exit.tmp %s/exit; stty -a > %s/stty 2>&1; exec sleep 600"
               % (q, envline, run, q, q, q, q))
        tenv = dict(os.environ, SHELL="/bin/sh")
        tenv.pop("TMUX", None)
        self.tenv = tenv
        self.started = True
        self._tmux("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", str(width), "-y", str(height), cmd)

    def _tmux(self, *a, check=True):
        r = subprocess.run(["tmux", "-u", "-S", self.sock] + list(a), env=self.tenv, capture_output=True, text=True)
        if check and r.returncode != 0:
            raise Fail("tmux %s: %s" % (" ".join(a[:2]), r.stderr.strip()))
        return r.stdout

    def screen(self, escapes=False):
        """The whole pane, history included, wrapped lines joined."""
        return self._tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "t", *(["-e"] if escapes else []))

    def text(self, s):
        self._tmux("send-keys", "-t", "t", "-l", s)

    def key(self, *names):
        self._tmux("send-keys", "-t", "t", *names)

    def wait_for(self, what, timeout=DEADLINE):
        """Polls the screen until it contains what (a string, or a compiled regex); returns the
        match (regex) or the screen."""
        end = time.monotonic() + timeout
        while True:
            s = self.screen()
            if isinstance(what, str):
                if what in s:
                    return s
            else:
                m = what.search(s)
                if m:
                    return m
            if time.monotonic() > end:
                raise Fail("waited %.0fs for %r; the screen:\n%s" % (timeout, what if isinstance(what, str) else what.pattern, s))
            time.sleep(0.1)

    def exit_code(self, timeout=DEADLINE):
        path = os.path.join(self.dir, "exit")
        end = time.monotonic() + timeout
        while not os.path.exists(path):
            if time.monotonic() > end:
                raise Fail("the run did not end within %.0fs; the screen:\n%s" % (timeout, self.screen()))
            time.sleep(0.1)
        with open(path) as f:
            return int(f.read().strip())

    def finish(self, want_code, timeout=DEADLINE):
        """Waits for the exit, checks its code, that the terminal is back in its normal mode and
        that no sanitizer spoke; returns the final screen."""
        code = self.exit_code(timeout)
        s = self.screen()
        if code != want_code:
            raise Fail("exit %d, expected %d; the screen:\n%s" % (code, want_code, s))
        stty_path = os.path.join(self.dir, "stty")
        end = time.monotonic() + DEADLINE
        while not (os.path.exists(stty_path) and os.path.getsize(stty_path)):
            if time.monotonic() > end:
                raise Fail("no stty -a output after the run")
            time.sleep(0.05)
        with open(stty_path) as f:
            modes = f.read().split()
        for m in ("echo", "icanon", "isig"):
            if m not in modes:
                raise Fail("the terminal was left without %s (stty -a: %s)" % (m, " ".join(modes)))
        for bad in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
            if bad in s:
                raise Fail("sanitizer report on the screen:\n" + s)
        return s

    def close(self):
        if self.started:
            self._tmux("kill-server", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


def expect_in(s, *parts):
    for p in parts:
        if p not in s:
            raise Fail("expected %r on the screen:\n%s" % (p, s))


def expect_not_in(s, *parts):
    for p in parts:
        if p in s:
            raise Fail("did not expect %r on the screen:\n%s" % (p, s))


def expect_order(s, *parts):
    at = 0
    for p in parts:
        i = s.find(p, at)
        if i < 0:
            raise Fail("expected %r after position %d on the screen:\n%s" % (p, at, s))
        at = i + len(p)


STATUS = lambda step: re.compile(re.escape(step) + r" [" + SPINNER + r"] (\d+\.\d)s")

# ---------------------------------------------------------------- cases
CASES = {}


def case(fn):
    CASES[fn.__name__.replace("_", "-")] = fn
    return fn


@case
def confirm_yes(rb):
    with Term(rb, "gate.rb") as t:
        s = t.wait_for("yes or no (")
        expect_not_in(s, "after the gate")
        expect_order(s, "[2/3] Gate", "? Proceed with the cutover?", "yes or no (")  # under its step
        t.text("maybe")
        t.key("Enter")
        t.wait_for('"maybe" is not an answer: type yes or no')
        t.text("y")
        t.key("Enter")
        s = t.finish(0)
        expect_in(s, "gate   Proceed with the cutover? -> yes (by ", "after the gate", "GO")


@case
def confirm_no(rb):
    with Term(rb, "gate.rb") as t:
        t.wait_for("yes or no (")
        t.text("no")
        t.key("Enter")
        s = t.finish(2)
        expect_in(s, "-> no (by ", 'was answered no', "NO-GO")
        expect_not_in(s, "after the gate")


@case
def confirm_eof(rb):
    with Term(rb, "gate.rb") as t:
        t.wait_for("yes or no (")
        t.key("C-d")
        s = t.finish(2)
        expect_in(s, "-> no answer (end of input) (by ")
        expect_not_in(s, "after the gate")


@case
def confirm_timeout(rb):
    with Term(rb, "gate_timeout.rb") as t:
        t.wait_for(re.compile(r"yes or no \([23]s left\)"))
        t.wait_for("yes or no (1s left)")  # the countdown ticks on the answer line
        s = t.finish(2)
        expect_in(s, "-> no answer in time (by ", "by nobody in time")
        expect_not_in(s, "after the gate")


@case
def confirm_timeout_scaled(rb):
    with Term(rb, "gate_timeout_scaled.rb", args=["--time-scale", "1200"]) as t:
        t.wait_for("REHEARSAL: time scaled 1/1200")
        t.wait_for(re.compile(r"yes or no \([23]s left\)"))  # 1h / 1200, not 60m
        s = t.finish(2)
        expect_in(s, "-> no answer in time (by ", "by nobody in time")
        expect_not_in(s, "after the gate")


@case
def ask_secret(rb):
    with Term(rb, "secret.rb", args=["--log-format", "json"]) as t:
        t.wait_for("? API token")
        t.text("hunter2-XYZ")
        t.key("Enter")
        t.wait_for("? Your name")  # the first answer is complete: its line is final
        t.text("Alice")
        t.key("Enter")
        s = t.finish(0)
        expect_not_in(s, "hunter2")
        expect_in(s, "value (30m", "Alice",  # typed text that is not secret is shown
                  '"text":"API token","answer":"***"', "token is ***, name is Alice")


@case
def live_wait(rb):
    with Term(rb, "wait.rb") as t:
        first = t.wait_for(re.compile(r"\[1/2\] Settle [" + SPINNER + r"] (\d+\.\d)s · wait ([123])s left of 3s"))
        later = t.wait_for(re.compile(r"\[1/2\] Settle [" + SPINNER + r"] (\d+\.\d)s · wait ([12])s left of 3s"))
        # the line is redrawn: time goes on and the countdown goes down
        end = time.monotonic() + DEADLINE
        while later.group(1) == first.group(1) and time.monotonic() < end:
            later = t.wait_for(STATUS("[1/2] Settle"))
        if later.group(1) == first.group(1):
            raise Fail("the elapsed time on the status line did not move from %ss" % first.group(1))
        s = t.finish(0)
        expect_in(s, "✓ [1/2] Settle", "✓ [2/2] Check", "== GO", "steps: 2 ok")
        for c in SPINNER:
            if c in s:
                raise Fail("the status line was left on the screen:\n" + s)


@case
def no_color(rb):
    for env, want_escapes in (({"NO_COLOR": "1"}, False), ({}, True)):
        with Term(rb, "wait.rb", env=env, args=["--no-wait"]) as t:
            t.finish(0)
            s = t.screen(escapes=True)
            if ("\033[" in s) != want_escapes:
                raise Fail("NO_COLOR=%s: escape sequences %s expected:\n%r" % (env.get("NO_COLOR", "(unset)"), "are" if want_escapes else "are not", s))


@case
def hostile_text(rb):
    """Escape sequences in a command's output reach the screen as visible text: the pane's
    title is not changed, the screen is not cleared, the secret in a question is masked, and
    the runner's own colours still work."""
    with Term(rb, "hostile.rb", args=["--verbose"], env={"TTY_TOKEN": "tty-S3cret-4471"}) as t:
        s = t.wait_for("yes or no (")
        expect_in(s, "== Hostile (1 step)",  # not cleared by \x1b[2J
                  "logged before\\x1b]0;pwned-title\\x07\\x1b[2J\\x1b[41mafter",
                  "out | live\\x1b]2;pwned-live\\x07",
                  "? Go on with before\\x1b]0;pwned-title\\x07\\x1b[2J\\x1b[41mafter and ***?")
        t.text("y")
        t.key("Enter")
        s = t.wait_for("choice (")
        expect_in(s, "menu\\x1b]0;pwned-menu\\x07")
        t.text("s")
        t.key("Enter")
        s = t.finish(3)
        expect_not_in(s, "tty-S3cret-4471")
        title = t._tmux("display-message", "-p", "-t", "t", "#{pane_title}")
        if "pwned" in title:
            raise Fail("the pane title was changed to %r" % title)
        esc = t.screen(escapes=True)
        if "\033[41m" in esc or "\033[1m== Hostile" not in esc:  # no red background from the output; our bold title is there
            raise Fail("colours on the screen are not the runner's own:\n%r" % esc)


@case
def dumb_terminal(rb):
    with Term(rb, "wait.rb", env={"TERM": "dumb"}) as t:
        s = t.finish(0)
        expect_in(s, "[1/2] Settle\n", "  wait   3s", "[1/2] ok Settle (")  # the plain lines
        expect_not_in(s, "✓", *SPINNER)


def _flaky_menu(t):
    s = t.wait_for("choice (r/b/s)")
    expect_order(s, '✗ [2/2] Flaky FAILED', '! Step "Flaky" failed. What now?', "expectation failed: r.code == 0",
                 "[r] retry the step  [b] roll back  [s] stop", "choice (r/b/s)")


@case
def on_failure_retry(rb):
    with Term(rb, "flaky.rb") as t:
        _flaky_menu(t)
        open(os.path.join(t.dir, "marker"), "w").close()
        t.text("r")
        t.key("Enter")
        s = t.finish(0)
        if s.count("log    flaky ran") != 2:
            raise Fail("the step should have run twice:\n" + s)
        expect_in(s, "-> retry the step (by ", "✓ [2/2] Flaky", "== GO")
        expect_not_in(s, "rolled back")


@case
def on_failure_rollback(rb):
    with Term(rb, "flaky.rb") as t:
        _flaky_menu(t)
        t.text("b")
        t.key("Enter")
        s = t.finish(1)
        expect_order(s, "-> roll back (by ", "flaky rolled back", "first rolled back", "rollback completed")


@case
def on_failure_stop(rb):
    with Term(rb, "flaky.rb") as t:
        _flaky_menu(t)
        t.text("x")
        t.key("Enter")
        t.wait_for('"x" is not one of the choices: type r, b or s')
        t.text("s")
        t.key("Enter")
        s = t.finish(3)
        expect_in(s, "-> stop (by ", "NO-GO")
        expect_not_in(s, "flaky rolled back", "first rolled back")


@case
def interrupt_menu(rb):
    with Term(rb, "long.rb") as t:
        t.wait_for(STATUS("[1/1] Long"))
        t.key("C-c")
        s = t.wait_for("choice (r/b/s)")
        expect_order(s, "interrupted", 'Interrupted during step "Long". What now?', "choice (r/b/s)")
        t.text("s")
        t.key("Enter")
        s = t.finish(4)
        expect_in(s, "-> stop (by ", "NO-GO: interrupted")
        expect_not_in(s, "never reached", "long rolled back")


@case
def interrupt_twice(rb):
    with Term(rb, "stubborn.rb") as t:
        t.wait_for(STATUS("[1/1] Stubborn"))
        # the command must be running (not still being spawned: a Ctrl-C then reaches the
        # child before it leaves the terminal's process group, and kills it outright)
        for _ in range(300):
            if subprocess.run(["pgrep", "-f", "^sleep 4.2718"], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        t.key("C-c")
        # the first interrupt is being handled: the command ignores SIGTERM, so its process
        # group gets the 2 s grace period before SIGKILL; the second Ctrl-C comes inside it
        time.sleep(0.3)
        t.key("C-c")
        s = t.finish(4)
        expect_in(s, "second interrupt: stopping now")
        expect_not_in(s, "What now?", "never reached")


@case
def param_prompt(rb):
    with Term(rb, "param.rb") as t:
        t.wait_for("? Parameter count (int) is required")
        t.text("abc")
        t.key("Enter")
        t.wait_for('"abc" is not a valid int')
        t.text("21")
        t.key("Enter")
        t.wait_for("? Parameter hosts (list) is required")
        t.text('["a",')
        t.key("Enter")
        t.wait_for('"[\"a\",": not valid JSON')
        t.text("web-1, web-2")
        t.key("Enter")
        s = t.finish(0)
        expect_in(s, "count is 21, twice is 42, label is default label")
        expect_in(s, 'hosts are ["web-1", "web-2"]')
        expect_not_in(s, "Parameter label")  # it has a default


@case
def tty_command(rb):
    """sh(..., tty: true): the command has the terminal (a [y/N] prompt, a password read from
    /dev/tty without echo); its output is on the screen and in the report, a secret masked."""
    with Term(rb, "tty_cmd.rb", args=["--report", "r.md"]) as t:
        s = t.wait_for("Proceed? [y/N] ")
        expect_order(s, "[1/2] Proceed", "Proceed? [y/N] ")
        t.text("y")
        t.key("Enter")
        s = t.wait_for("Password: ")
        expect_order(s, "Proceed? [y/N] y", "got y", "pin ***", "log    captured: Proceed? [y/N] y", "[2/2] Password", "Password: ")
        t.text("hunter2")
        t.key("Enter")
        s = t.finish(0)
        expect_in(s, "length 7", "log    password step: Password:", "== GO")
        expect_not_in(s, "hunter2", "s3cr3t-PIN")
        with open(os.path.join(t.dir, "r.md")) as f:
            report = f.read()
        expect_in(report, "Proceed? [y/N] y", "got y", "pin ***", "length 7")
        expect_not_in(report, "hunter2", "s3cr3t-PIN")


@case
def tty_interrupt(rb):
    """Ctrl-C while a tty command has the terminal goes to the command (as on any terminal):
    it dies of SIGINT, the step fails, and the terminal is back in its normal mode."""
    with Term(rb, "tty_cmd.rb", args=["--on-failure", "stop"]) as t:
        t.wait_for("Proceed? [y/N] ")
        t.key("C-c")
        s = t.finish(3)
        expect_in(s, "Proceed? [y/N] ^C", "killed by signal SIGINT", "NO-GO")
        expect_not_in(s, "got y")


@case
def tty_window_size(rb):
    """The pty has the operator's window size, and follows it when the window changes."""
    with Term(rb, "tty_size.rb", width=100, height=30) as t:
        t.wait_for("30 100")
        t._tmux("resize-window", "-t", "t", "-x", "90", "-y", "25")
        t.key("Enter")  # the runner passes the new size on before the key
        s = t.finish(0)
        expect_in(s, "log    sizes: 30 100 |  | 25 90")


@case
def tty_timeout(rb):
    """timeout: kills a command that has the terminal; the terminal is given back."""
    with Term(rb, "tty_size.rb", args=["--param", "slow=true", "--on-failure", "stop"]) as t:
        s = t.finish(3)
        expect_in(s, "waiting", "timed out after", "its process group was killed", "NO-GO")
        expect_not_in(s, "sizes:")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runbook")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()
    if a.list:
        print(";".join(CASES))
        return 0
    if not a.runbook or not a.cases:
        ap.error("give --runbook BIN and at least one case (--list shows them)")
    if not shutil.which("tmux"):
        print("SKIP: tmux is not installed")
        return 77
    rb = os.path.abspath(a.runbook)
    failed = 0
    for name in a.cases:
        if name not in CASES:
            print("unknown case %s (--list shows them)" % name)
            return 2
        t0 = time.monotonic()
        try:
            CASES[name](rb)
            print("PASS %s (%.1fs)" % (name, time.monotonic() - t0))
        except Fail as e:
            failed += 1
            print("FAIL %s: %s" % (name, e))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
