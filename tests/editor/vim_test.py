#!/usr/bin/env python3
"""tests/editor/vim_test.py — the Vim files of editors/vim, in Vim and in Neovim, headless.

    python3 tests/editor/vim_test.py --root REPO --runbook BUILD/runbook [--editor vim|nvim]

Each editor runs with only editors/vim added to its runtime path (-u NONE, `filetype plugin
on`, `syntax on`) and answers, through a generated script, what the checks compare:
  1. filetype detection: every file of tests/editor/detect/ is `runbook` (runbook_*) or `ruby`
     (ruby_*) — the same cases editors/vscode/detect.js is tested on;
  2. the ftplugin: commentstring `# %s` (and makeprg `runbook check %`);
  3. the groups of tests/editor/vim_groups.txt (`FILE:LINE: TEXT -> GROUP`: the syntax group
     at the first column where TEXT is on that line);
  4. in every golden, example and std module that the compiler finds no syntax error in, no
     character is highlighted as Error; at every lexical error the compiler reports in
     tests/editor/lexical_errors.runbook, the character is.
Ends with `N passed, N failed`. Exit 77 (skipped) when the editor is not installed.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

LEXICAL = ("unexpected character", "unknown escape sequence", "invalid number or duration",
           "unexpected operator", "unterminated string")

VIMSCRIPT = r"""
set nocompatible
let s:task = json_decode(join(readfile(%(task)s), "\n"))
let &rtp = s:task.rtp . ',' . &rtp
filetype plugin on
syntax on
let s:out = {'detect': {}, 'groups': [], 'errors': {}, 'marked': []}
for f in s:task.detect
  execute 'silent edit ' . fnameescape(f)
  let s:out.detect[f] = &filetype
  silent bwipeout!
endfor
execute 'silent edit ' . fnameescape(s:task.sample)
let s:out.cms = &commentstring
let s:out.makeprg = &makeprg
silent bwipeout!
for g in s:task.groups
  execute 'silent edit ' . fnameescape(g.file)
  let col = stridx(getline(g.line), g.text) + 1
  let s:out.groups += [[g.spec, col, col > 0 ? synIDattr(synID(g.line, col, 1), 'name') : '']]
  silent bwipeout!
endfor
for f in s:task.valid
  execute 'silent edit ' . fnameescape(f)
  let bad = []
  for l in range(1, line('$'))
    let text = getline(l)
    for c in range(1, len(text))
      if text[c - 1] !~ '\s' && synIDattr(synIDtrans(synID(l, c, 1)), 'name') ==# 'Error'
        call add(bad, l . ':' . c . ' ' . synIDattr(synID(l, c, 1), 'name'))
        break
      endif
    endfor
  endfor
  let s:out.errors[f] = bad
  silent bwipeout!
endfor
for e in s:task.lexical
  execute 'silent edit ' . fnameescape(e.file)
  let col = min([e.col, max([1, len(getline(e.line))])])
  let s:out.marked += [[e.spec, synIDattr(synIDtrans(synID(e.line, col, 1)), 'name'), synIDattr(synID(e.line, col, 1), 'name')]]
  silent bwipeout!
endfor
call writefile([json_encode(s:out)], s:task.out)
qall!
"""


def walk(d, pred):
    out = []
    for dp, dns, fns in os.walk(d):
        dns[:] = sorted(x for x in dns if not x.startswith("."))
        out += [os.path.join(dp, f) for f in sorted(fns) if pred(f)]
    return out


def diagnostics(runbook, path):
    r = subprocess.run([runbook, "check", "--format", "json", os.path.basename(path)], cwd=os.path.dirname(path),
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    doc = json.loads(r.stdout)
    base = os.path.basename(path)
    return [d for d in doc["diagnostics"] if d["rule"] == "syntax" and os.path.basename(d["file"]) == base]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=os.path.join(os.path.dirname(__file__), "..", ".."))
    ap.add_argument("--runbook", required=True)
    ap.add_argument("--editor", default="vim", choices=["vim", "nvim"])
    a = ap.parse_args()
    root = os.path.abspath(a.root)
    runbook = os.path.abspath(a.runbook)
    exe = shutil.which(a.editor)
    if not exe:
        print(f"SKIP {a.editor} is not installed")
        return 77
    here = os.path.join(root, "tests", "editor")

    detect = walk(os.path.join(here, "detect"), lambda f: True)
    groups, problems = [], []
    with open(os.path.join(here, "vim_groups.txt"), encoding="utf-8") as f:
        for k, raw in enumerate(f, 1):
            s = raw.rstrip("\n")
            if not s.strip() or s.startswith("#"):
                continue
            head, _, rest = s.partition(": ")
            text, _, group = rest.rpartition(" -> ")
            file, _, line = head.rpartition(":")
            if not file or not line.isdigit() or not text or not group:
                problems.append(f"vim_groups.txt:{k}: not FILE:LINE: TEXT -> GROUP")
                continue
            groups.append({"spec": f"vim_groups.txt:{k}: {s}", "file": os.path.join(root, file),
                           "line": int(line), "text": text, "want": group})

    sources = (walk(os.path.join(root, "tests", "golden"), lambda f: f.endswith(".rb"))
               + walk(os.path.join(root, "examples"), lambda f: f.endswith(".rb"))
               + walk(os.path.join(root, "stdlib", "std"), lambda f: f.endswith(".rb"))
               + [os.path.join(here, "all_tokens.runbook")])
    valid = [p for p in sources if not diagnostics(runbook, p)]
    lexfile = os.path.join(here, "lexical_errors.runbook")
    lexical = [{"spec": f"lexical_errors.runbook:{d['line']}:{d['column']}: {d['message']}", "file": lexfile,
                "line": d["line"], "col": d["column"]}
               for d in diagnostics(runbook, lexfile) if d["message"].startswith(LEXICAL)]

    tmp = tempfile.mkdtemp(prefix="rbk-vim-")
    task = {"rtp": os.path.join(root, "editors", "vim"), "detect": detect,
            "sample": os.path.join(here, "all_tokens.runbook"), "groups": groups, "valid": valid,
            "lexical": lexical, "out": os.path.join(tmp, "out.json")}
    with open(os.path.join(tmp, "task.json"), "w") as f:
        json.dump(task, f)
    script = os.path.join(tmp, "test.vim")
    with open(script, "w") as f:
        f.write(VIMSCRIPT % {"task": json.dumps(os.path.join(tmp, "task.json"))})
    if a.editor == "vim":
        cmd = [exe, "-N", "-u", "NONE", "-i", "NONE", "-n", "-es", "-S", script]
    else:
        cmd = [exe, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-S", script]
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=600, env=dict(os.environ, HOME=tmp, XDG_CONFIG_HOME=tmp, XDG_DATA_HOME=tmp))
    if not os.path.exists(task["out"]):
        print(f"FAIL {a.editor} did not finish the script (exit {r.returncode}):\n{r.stdout[-2000:]}")
        print("0 passed, 1 failed")
        return 1
    with open(task["out"]) as f:
        out = json.load(f)
    shutil.rmtree(tmp, ignore_errors=True)

    passed = failed = 0

    def check(name, errs):
        nonlocal passed, failed
        if errs:
            failed += 1
            print(f"FAIL {a.editor}: {name}")
            for e in errs[:40]:
                print(f"     {e}")
        else:
            passed += 1
            print(f"ok   {a.editor}: {name}")

    errs = []
    for p in detect:
        want = "runbook" if os.path.basename(p).startswith("runbook_") else "ruby"
        if out["detect"].get(p) != want:
            errs.append(f"{os.path.relpath(p, root)}: filetype {out['detect'].get(p)!r}, expected {want}")
    if len(detect) < 6:
        errs.append(f"only {len(detect)} cases")
    check(f"1. filetype of the {len(detect)} files of tests/editor/detect", errs)

    errs = []
    if out["cms"] != "# %s":
        errs.append(f"commentstring {out['cms']!r}")
    if out["makeprg"] != "runbook check %":
        errs.append(f"makeprg {out['makeprg']!r}")
    check("2. the ftplugin's commentstring and makeprg", errs)

    errs = list(problems)
    for g, (spec, col, got) in zip(groups, out["groups"]):
        if col == 0:
            errs.append(f"{spec}: the text is not on that line")
        elif got != g["want"]:
            errs.append(f"{spec}: the group at column {col} is {got or '(none)'}")
    check(f"3. the {len(groups)} groups of tests/editor/vim_groups.txt", errs)

    errs = [f"{os.path.relpath(f, root)}:{b[0]}" for f, bad in out["errors"].items() for b in bad[:1]]
    if len(valid) < 100:
        errs.append(f"only {len(valid)} valid files")
    check(f"4a. no Error highlight in the {len(valid)} files without syntax errors", errs)
    errs = [f"{spec}: highlighted {trans or '(none)'} ({name or 'no group'})" for spec, trans, name in out["marked"]
            if trans != "Error"]
    if len(lexical) < 10:
        errs.append(f"only {len(lexical)} lexical errors in tests/editor/lexical_errors.runbook")
    check(f"4b. the {len(lexical)} lexical errors of lexical_errors.runbook are highlighted Error", errs)

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
