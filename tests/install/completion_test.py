#!/usr/bin/env python3
"""tests/install/completion_test.py — the shell completions (completions/runbook.bash and
completions/_runbook) against the real binary.

    python3 tests/install/completion_test.py --root REPO --runbook BUILD/runbook

bash: the completion function is called the way bash calls it (COMP_WORDS, COMP_CWORD) and
COMPREPLY compared: commands; every command's options, compared with the synopsis of
docs/cli.md (scripts/gen_man.py --synopsis), so the binary, the docs and the completion agree;
option values; files; step names after --from/--only/--fail-at, quoted and inside a quote;
parameter names after --param. Then both shells run for real in tmux, a line is typed with
<Tab>, and the line on the screen is read: what a person sees.
Ends with `N passed, N failed`; tmux or zsh missing fails (scripts/setup.sh installs them).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

passed = failed = 0


def check(name, errs):
    global passed, failed
    if errs:
        failed += 1
        print(f"FAIL {name}")
        for e in errs[:30]:
            print(f"     {e}")
    else:
        passed += 1
        print(f"ok   {name}")


def bash_complete(script, binary, words, cwd, cword=None):
    """COMPREPLY of _runbook for words (words[cword] is being completed; default: the last)."""
    cword = len(words) - 1 if cword is None else cword
    prog = r'''
source "$1"; cword=$2; shift 2
COMP_WORDS=("$@"); COMP_CWORD=$cword
COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
COMPREPLY=()
_runbook
printf '%s\n' "${COMPREPLY[@]}"
'''
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", prog, "x", script, str(cword), binary] + words[1:],
                       cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
    if r.stderr.strip():
        return ["<stderr: " + r.stderr.strip() + ">"]
    return [x for x in r.stdout.split("\n") if x]


def synopsis_options(root):
    """{command: [options]} from docs/cli.md."""
    out = subprocess.run([sys.executable, os.path.join(root, "scripts", "gen_man.py"), "--docs",
                          os.path.join(root, "docs"), "--synopsis"], stdout=subprocess.PIPE, text=True, check=True).stdout
    opts = {}
    for line in out.splitlines():
        w = line.split()
        opts[w[1]] = sorted(set(re.findall(r"(?<![\w-])(-{1,2}[a-z][a-z-]*)", " ".join(w[2:]))))
    return opts


class Tmux:
    def __init__(self, shell_cmd, env, cwd):
        self.dir = tempfile.mkdtemp(prefix="rbk-comp-")
        self.sock = os.path.join(self.dir, "tmux.sock")
        self.env = env
        subprocess.run(["tmux", "-S", self.sock, "-f", "/dev/null", "new-session", "-d", "-x", "160", "-y", "30",
                        "-c", cwd] + shell_cmd, env=env, check=True)

    def keys(self, *keys):
        subprocess.run(["tmux", "-S", self.sock, "send-keys"] + list(keys), check=True)

    def screen(self):
        return subprocess.run(["tmux", "-S", self.sock, "capture-pane", "-p"], stdout=subprocess.PIPE,
                              text=True, check=True).stdout

    def wait_for(self, pred, what):
        # a hang guard, not a timing assertion: a completion that never shows fails here
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            s = self.screen()
            if pred(s):
                return s
            time.sleep(0.1)
        return "<never: " + what + ">\n" + self.screen()

    def close(self):
        subprocess.run(["tmux", "-S", self.sock, "kill-server"], stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)


def typed(t, prompt, line, expect):
    """Types line, then Tab, and waits for the prompt line to read expect."""
    t.keys("C-u")
    t.keys("-l", line)
    t.keys("Tab")
    want = prompt + expect
    s = t.wait_for(lambda s: any(l.rstrip() == want.rstrip() for l in s.splitlines()), want)
    got = [l for l in s.splitlines() if l.startswith(prompt)]
    return None if any(l.rstrip() == want.rstrip() for l in s.splitlines()) else \
        f"typed {line!r}<Tab>: expected the line {want!r}, the screen has {got[-1:] if got else s[-300:]!r}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=os.path.join(os.path.dirname(__file__), "..", ".."))
    ap.add_argument("--runbook", required=True)
    a = ap.parse_args()
    root = os.path.abspath(a.root)
    binary = os.path.abspath(a.runbook)
    bash_script = os.path.join(root, "completions", "runbook.bash")
    work = tempfile.mkdtemp(prefix="rbk-comp-work-")
    hello = os.path.join(work, "hello.rb")
    shutil.copy(os.path.join(root, "examples", "hello.rb"), hello)
    os.mkdir(os.path.join(work, "lib"))
    open(os.path.join(work, "notes.txt"), "w").close()
    subprocess.run([binary, "compile", "hello.rb"], cwd=work, check=True, stderr=subprocess.DEVNULL)

    def bc(*words, cword=None):
        return bash_complete(bash_script, binary, [binary] + list(words), work, cword)

    # commands
    errs = []
    r = subprocess.run(["bash", "--norc", "-c", 'source "$1"; complete -p runbook', "x", bash_script],
                       stdout=subprocess.PIPE, text=True)
    if r.stdout.strip() != "complete -F _runbook runbook":
        errs.append(f"complete -p runbook: {r.stdout.strip()!r}")
    syn = synopsis_options(root)
    got = bc("")
    if sorted(got) != sorted(syn):
        errs.append(f"commands {got}, docs/cli.md has {sorted(syn)}")
    if bc("ch") != ["check"]:
        errs.append(f"ch -> {bc('ch')}")
    check("bash: the commands are those of docs/cli.md", errs)

    errs = []
    for cmd, opts in syn.items():
        if cmd in ("help", "version"):
            continue
        got = sorted(bc(cmd, "-"))
        if got != opts:
            errs.append(f"{cmd} -<Tab>: {got}; docs/cli.md: {opts}")
    check("bash: each command's options are those of its synopsis in docs/cli.md", errs)

    errs = []
    cases = [
        (["check", "--format", ""], ["text", "json", "github", "sarif"]),
        (["plan", "hello.rb", "--format", "j"], ["json"]),
        (["run", "hello.rb", "--on-failure", ""], ["ask", "rollback", "stop"]),
        (["run", "hello.rb", "--on-failure", "=", "r"], ["rollback"]),
        (["resume", "j.jsonl", "--unknown", ""], ["rerun", "done"]),
        (["run", "hello.rb", "--log-format", ""], ["text", "json"]),
        (["run", "hello.rb", "--from", ""], ["'Say hello'", "'Write a note'", "'Tidy up'"]),
        (["run", "hello.rb", "--only", "Wr"], ["'Write a note'"]),
        (["run", "hello.rb", "--fail-at", "'T"], ["Tidy up"]),
        (["run", "hello.rb", "--fail-at", '"Say h'], ["Say hello"]),
        (["run", "hello.rbc", "--from", "S"], ["'Say hello'"]),
        (["run", "hello.rb", "--param", "gr"], ["greeting_count="]),
        (["run", "hello.rb", "--param", ""], ["name=", "greeting_count="]),
        (["run", "nothere.rb", "--from", ""], []),
        (["run", "h"], ["hello.rb", "hello.rbc"]),
        (["run", ""], ["hello.rb", "hello.rbc", "lib"]),
        (["resume", "n"], ["notes.txt"]),
        (["run", "hello.rb", "--report", "n"], ["notes.txt"]),
    ]
    for words, want in cases:
        got = bc(*words)
        if sorted(got) != sorted(want):
            errs.append(f"runbook {' '.join(words)}<Tab>: {got}, expected {want}")
    # the runbook after the cursor: `runbook run --from <Tab> hello.rb`
    got = bc("run", "--from", "", "hello.rb", cword=3)
    if sorted(got) != sorted(["'Say hello'", "'Write a note'", "'Tidy up'"]):
        errs.append(f"runbook run --from <Tab> hello.rb: {got}")
    cases.append(None)
    check(f"bash: {len(cases)} cases of values, files, steps and params", errs)

    # what a person sees: bash and zsh in a terminal
    for tool in ("tmux", "zsh"):
        if not shutil.which(tool):
            check(f"{tool} is installed (scripts/setup.sh)", [f"{tool} not found"])
            print(f"{passed} passed, {failed} failed")
            return 1
    bindir = tempfile.mkdtemp(prefix="rbk-comp-bin-")
    os.symlink(binary, os.path.join(bindir, "runbook"))
    env = dict(os.environ, PATH=bindir + ":" + os.environ.get("PATH", ""), TERM="xterm", HOME=work, HISTFILE="/dev/null")
    rc = os.path.join(work, "bashrc")
    with open(rc, "w") as f:
        f.write(f"PS1='$ '\nsource {bash_script}\n")
    t = Tmux(["bash", "--noprofile", "--rcfile", rc, "-i"], env, work)
    try:
        t.wait_for(lambda s: s.rstrip().endswith("$"), "the bash prompt")
        errs = [e for e in (
            typed(t, "$ ", "runbook ru", "runbook run "),
            typed(t, "$ ", "runbook run hello.rb --from Wr", "runbook run hello.rb --from 'Write a note' "),
            typed(t, "$ ", "runbook run hello.rb --only 'Tid", "runbook run hello.rb --only 'Tidy up' "),
            typed(t, "$ ", "runbook run hello.rb --param gr", "runbook run hello.rb --param greeting_count="),
            typed(t, "$ ", "runbook check --format gi", "runbook check --format github "),
        ) if e]
    finally:
        t.close()
    check("bash in a terminal: commands, a step name quoted, inside a quote, a param, a value", errs)

    zdir = tempfile.mkdtemp(prefix="rbk-comp-zsh-")
    shutil.copy(os.path.join(root, "completions", "_runbook"), zdir)
    zrc = os.path.join(zdir, ".zshrc")
    with open(zrc, "w") as f:
        f.write(f"PS1='%% '\nfpath=({zdir} $fpath)\nautoload -Uz compinit\ncompinit -u -d {zdir}/.zcompdump\n")
    t = Tmux(["zsh", "-i"], dict(env, ZDOTDIR=zdir), work)
    try:
        t.wait_for(lambda s: s.rstrip().endswith("%"), "the zsh prompt")
        errs = [e for e in (
            typed(t, "% ", "runbook ru", "runbook run "),
            typed(t, "% ", "runbook run hello.rb --from Wr", "runbook run hello.rb --from Write\\ a\\ note "),
            typed(t, "% ", "runbook run hello.rb --fail-at 'Ti", "runbook run hello.rb --fail-at 'Tidy up' "),
            typed(t, "% ", "runbook run hello.rb --param gr", "runbook run hello.rb --param greeting_count="),
            typed(t, "% ", "runbook check --format gi", "runbook check --format github "),
            typed(t, "% ", "runbook plan hello.rb --def", "runbook plan hello.rb --default-timeout "),
        ) if e]
    finally:
        t.close()
    check("zsh in a terminal: commands, a step name, inside a quote, a param, a value, an option", errs)
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(zdir, ignore_errors=True)
    shutil.rmtree(bindir, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
