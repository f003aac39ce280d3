#!/usr/bin/env python3
"""tests/lsp/nvim_test.py --runbook BIN — a real client: Neovim's built-in LSP client, headless
(`nvim --clean --headless`: no user configuration), runs tests/lsp/nvim_client.lua against
`runbook lsp`. It types a mistake after a string of characters outside the BMP (so the columns
go through UTF-16 both ways), waits for the diagnostics Neovim received, asks for a hover, has
the server format a carelessly written line, and writes all three to a file this test compares
with what they must be. Exit 77 (skipped) without nvim."""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

RUNBOOK = '''runbook "nvim client"
env API_URL

step "Check" {
  let r = http.get(env.API_URL)
  expect r.status == 200
}
'''
TYPED = '  log("\U0001F680\U0001F680 {undeclared_thing}")'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runbook", required=True)
    a = ap.parse_args()
    nvim = shutil.which("nvim")
    if not nvim:
        print("nvim is not installed: skipped")
        return 77
    here = os.path.dirname(os.path.abspath(__file__))
    tmp = tempfile.mkdtemp(prefix="rbk-nvim-lsp")
    try:
        path = os.path.join(tmp, "deploy.runbook")
        with open(path, "w") as f:
            f.write(RUNBOOK)
        out = os.path.join(tmp, "out.txt")
        # the typed line goes above line 6 (`expect ...`): it becomes line 6; hover on `log`
        env = dict(os.environ, RBK_FILE=path, RBK_OUT=out, RBK_RUNBOOK=os.path.abspath(a.runbook), RBK_LINE="6",
                   RBK_TYPE=TYPED, RBK_HOVER_LINE="6", RBK_HOVER_COL="3", XDG_STATE_HOME=tmp, XDG_DATA_HOME=tmp,
                   XDG_CACHE_HOME=tmp, XDG_CONFIG_HOME=tmp)
        p = subprocess.run([nvim, "--clean", "--headless", "-c", "luafile " + os.path.join(here, "nvim_client.lua")],
                           env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=240)
        got = open(out, encoding="utf-8").read().splitlines() if os.path.exists(out) else []
        # the name starts after `  log("`, two rockets (4 bytes each in Neovim's byte columns) and ` {`
        col = len('  log("'.encode()) + 8 + len(" {")
        want = [
            "initialized hoverProvider=true",
            "diagnostic 6:%d-6:%d severity=1 source=runbook unknown name `undeclared_thing`" % (col, col + len("undeclared_thing")),
            "hover ```runbook",
            "hover log(msg: any) -> nil",
            "hover ```",
            "hover core builtin (pure). Writes a line to the run's output and report.",
        ] + ["fmt " + l for l in (RUNBOOK.replace('  expect', TYPED + '\n  expect')).splitlines()] + [
            "stopped",
        ]
        if p.returncode != 0 or got != want:
            print("nvim exited %d; its output:\n%s" % (p.returncode, p.stdout.decode(errors="replace")))
            print("got:\n  " + "\n  ".join(got))
            print("want:\n  " + "\n  ".join(want))
            return 1
        print("\n".join(got))
        print("ok")
        return 0
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    sys.exit(main())
