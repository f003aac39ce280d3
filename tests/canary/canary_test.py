#!/usr/bin/env python3
"""tests/canary/canary_test.py — no secret in any byte runbook writes (docs/language.md §9).

A canary secret is planted in a secret env variable, a multi-line secret env variable, a secret
param given with --param, an `ask(secret: true)` answer and a secret param asked for at the
start (both typed into a real terminal, under tmux) and a value passed through `secret()`, and
flows into commands (their text, stdout and stderr), HTTP headers, URLs and
bodies (echoed back by the fixture), SQL queries and results, log lines, expectation values,
error messages and rollback blocks, printed as hex (`xxd -p`) and as wrapped base64; a
command's output given `secret: true` is a canary of its own, and so are a Slack webhook's URL
made at run time and given to std/notify (which makes it a secret), and a secret read from the
fixture's Vault with std/vault and the Vault token it was read with (VAULT_TOKEN, not declared). The runbook is run down
every path — success, a failed expectation with rollback, a failure with --on-failure stop,
SIGINT — with the text and the JSON log, --verbose, the three reports and the journal. Every
byte written (stdout, stderr, the files, the terminal screen) is searched for the canary, its
base64, hex and URL-encoded forms (the encoded forms also with line breaks taken out, so a
wrapped one is found), and each line of the multi-line secret: zero occurrences.

usage: canary_test.py --runbook PATH --services-env FILE
"""
import argparse
import base64
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

HOOK_KEY = "C4N4RY-H00K-K3Y"  # the key of a Slack webhook URL, made at run time (upper())
VAULT_VALUE = "vault-db-pass-v2-Kq8Z"  # the fixture's Vault: secret/app/db, field password
VAULT_TOKEN = "fixture-app-token"  # ... read with this token (VAULT_TOKEN)
CANARY = "C4n@ry-S3cr3t/+=x y"
CANARY_ML = "ml-first-line-Q9\nml-second-line-Z7\nml-third-line-K5"
ASKED = "typed-Pa55-W0rd!"
VIA_SECRET_FN = "lit3ral-S3cret-42"
PARAM = "P4ram-C4n@ry/+=z q"
TYPED_PARAM = "typed-P4ram-Pr0mpt!"
SECRET_OUTPUT = "0utput-C4n4ry-S3cr3t"  # printed by a command given secret: true
# secrets the registry cannot mask (a number, a float, a duration, a time): only their mark
# hides them, inside lists and maps, in a text built from them, in the journal's globals
# (docs/secrets.md, "Inside lists and maps"); made at run time, so no source line holds them
UNMASKABLE = ("8675309123", "8675309124", "96000.5", "5h7m11s", "18431000", "2031-07-19T05:43:21Z")

RUNBOOK_SRC = r'''runbook "Canary"
env RBK_CANARY secret
env RBK_CANARY_ML secret
param base_url: string
param pg_url: string
param mode: string = "ok"
param api_key: string secret
let token = env.RBK_CANARY
let other = secret("lit3ral-S3cret-42")
use "std/notify"
use "std/vault"
let vault_pw = vault.kv_get("app/db", field: "password")
let held = [secret(8675309000 + 123), secret(96000.0 + 0.5), {d: secret(5h + 7m + 11s)}]
section "Everything" {
  step "Commands" {
    let r = sh("echo token={token}; echo {token} >&2; printf %s {token} | base64; printf %s {other}")
    log("stdout was {r.stdout}")
    expect r.stdout contains "token="
    let m = sh("printf '%s\n' {env.RBK_CANARY_ML} | tail -n 1")
    log("last line: {m.stdout}")
    let e = exec(["printf", "%s|%s", token, other])
    log(e.stdout)
    let k = sh("echo key={api_key}; printf %s {api_key} | base64")
    log("key said {k.stdout} and {api_key}")
    let x = sh("printf %s {token} | xxd -p; printf %s {token} | xxd -p -u; printf 'pad%s' {token} | base64 -w 10")
    log("encoded: {x.stdout}")
    let so = trim(sh("printf '%s%s\\n' 0utput-C4n4ry S3cr3t", secret: true).stdout)
    sh("echo the output was {so}; printf %s {so} | base64")
  }
  step "Containers" {
    let n = secret(8675309000 + 123)
    let when = secret(time.parse("2031-07-19T05:43:" + "21Z"))
    let items = [n, token, when, {deep: [n + 1]}, held]
    log(items)
    log("items {items} with {token}")
    log(str(items) + token)
    log(join([n, token], ","))
    log(json.encode({n: n, t: token}) + token)
    log([sort([n, 1]), unique([n, n]), [n] + [token], values({a: n})])
    let m = {}
    m[token] = n
    m["t"] = token
    log(m)
    sh("echo {token} {n} {items}")
    let r = http.get("{base_url}/headers?t={token}&n={n}")
    expect r.status == 200
  }
  step "HTTP" {
    let h = http.get("{base_url}/headers?t={other}", headers: {"Authorization": "Bearer {token}", "X-Other": other})
    log(h.body)
    let e = http.post("{base_url}/echo", body: "secret={token}&ml={env.RBK_CANARY_ML}&key={api_key}")
    log(e.body)
    let q = http.get("{base_url}/headers", headers: {"X-Api-Key": api_key})
    log(q.body)
    let hj = http.post("{base_url}/echo", json: {n: held[0], f: held[1], d: held[2], t: token})
    log(hj.body)
    log([hj.json, hj.status])
    expect h.status == 200
  }
  step "Notify" {
    let hook = "{base_url}/slack/services/T0CAN/B0CAN/" + upper("c4n4ry-h00k-k3y")
    notify.slack(hook, "announced with {token} and {vault_pw}")
    sh("echo vault={vault_pw}; printf %s {vault_pw} | base64")
    notify.webhook("{base_url}/echo?k=" + upper("c4n4ry-h00k-k3y"), {token: token})
  } rollback {
    notify.slack("{base_url}/slack/services/T0CAN/B0CAN/" + upper("c4n4ry-h00k-k3y"), "rolled back")
  }
  step "SQL" {
    let db = sql.connect(pg_url)
    let v = db.scalar("SELECT {token}::text || '-suffix'")
    log("sql said {v}")
    let rows = db.query("SELECT {other}::text AS o, {token}::text AS t, {api_key}::text AS k")
    log(rows)
    let hn = db.query("SELECT {held[0]}::bigint AS n, {held[1]}::float8 AS f")
    log(hn)
    log("sql items {hn} and {token}")
    db.close()
  }
  step "Maybe fail" if mode == "fail" {
    expect token == "the wrong value", "the token {token} is not the expected one"
    expect api_key == "the wrong key", "the key {api_key} is not the expected one"
  } rollback {
    sh("echo rolling back with {token} and {other} and {api_key}")
  }
  step "Maybe error" if mode == "error" {
    expect held == [], "held {held} with {token}"
    sh("echo {token} >&2; exit 3")
  }
  step "Maybe hang" if mode == "hang" {
    sh("echo hanging with {token}; sleep 30")
  }
}
'''

ASK_SRC = r'''runbook "Canary ask"
param pin: string secret
step "Ask" {
  let pw = ask("Password", secret: true)
  sh("echo the password is {pw}; echo {pw} >&2; echo the pin is {pin}")
  log("typed {pw} and {pin}")
  expect pw == "not it", "pw {pw} rejected"
} rollback {
  log("rollback")
}
'''


def forms(s):
    b = s.encode()
    out = {s, base64.b64encode(b).decode(), urllib.parse.quote(s, safe=""), urllib.parse.quote_plus(s), b.hex(), b.hex().upper()}
    for line in s.split("\n"):
        out.add(line)
    return [f for f in out if len(f) >= 4]


ALL_FORMS = [(name, f) for name, s in (("canary", CANARY), ("multi-line", CANARY_ML), ("asked", ASKED), ("secret()", VIA_SECRET_FN),
                               ("secret param", PARAM), ("secret param typed", TYPED_PARAM),
                               ("secret: true output", SECRET_OUTPUT), ("webhook key", HOOK_KEY),
                               ("std/vault value", VAULT_VALUE), ("Vault token", VAULT_TOKEN))
             for f in forms(s)] + [("unmaskable secret", u) for u in UNMASKABLE]
FAILS = []


def scan(label, data):
    if isinstance(data, str):
        data = data.encode()
    flat = data.replace(b"\r", b"").replace(b"\n", b"")  # a wrapped encoded form, joined
    for name, f in ALL_FORMS:
        for where, d in (("", data), (" (line breaks taken out)", flat)):
            if f.encode() in d:
                i = d.index(f.encode())
                FAILS.append(f"{label}: the {name} secret appears{where} as {f!r}: ...{d[max(0, i - 60):i + len(f) + 20]!r}...")
                break


def scan_dir(label, d):
    for root, _, files in os.walk(d):
        for fn in files:
            p = os.path.join(root, fn)
            with open(p, "rb") as fh:
                scan(f"{label}/{os.path.relpath(p, d)}", fh.read())


def load_env(path):
    env = {}
    for line in open(path):
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            k, v = line.split("=", 1)
            env[k] = v
    return env


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runbook", required=True)
    ap.add_argument("--services-env", required=True)
    a = ap.parse_args()
    runbook = os.path.abspath(a.runbook)
    # the scanner itself: each planted form must be found
    for name, f in ALL_FORMS:
        before = len(FAILS)
        scan("selftest", b"xx" + f.encode() + b"yy")
        if len(FAILS) == before:
            print(f"FAIL: the scanner misses the {name} form {f!r}")
            sys.exit(1)
    FAILS.clear()
    svc = load_env(a.services_env) if os.path.exists(a.services_env) else {}
    if "RBK_HTTP_URL" not in svc or "RBK_PG_URL" not in svc:
        print("SKIP: the services (HTTP fixture and PostgreSQL) are not running")
        sys.exit(77)
    env = dict(os.environ)
    env.update({"RBK_CANARY": CANARY, "RBK_CANARY_ML": CANARY_ML, "NO_COLOR": "1",
                "VAULT_ADDR": svc["RBK_HTTP_URL"] + "/vault", "VAULT_TOKEN": VAULT_TOKEN, "VAULT_NAMESPACE": ""})
    d = tempfile.mkdtemp(prefix="rbk-canary-")
    runs = 0
    try:
        with open(os.path.join(d, "canary.rb"), "w") as f:
            f.write(RUNBOOK_SRC)
        base = ["run", "canary.rb", "--param", f"base_url={svc['RBK_HTTP_URL']}", "--param", f"pg_url={svc['RBK_PG_URL']}",
                "--param", f"api_key={PARAM}"]
        cases = [("ok", 0, []), ("fail", 1, []), ("error", 3, ["--on-failure", "stop"]), ("hang", 4, [])]
        for mode, want, extra in cases:
            for fmt in ("text", "json"):
                out = os.path.join(d, f"out-{mode}-{fmt}")
                os.mkdir(out)
                args = base + ["--param", f"mode={mode}", "--log-format", fmt, "--verbose",
                               "--report", f"{out}/r.md", "--report", f"{out}/r.json", "--report", f"{out}/r.xml",
                               "--journal", f"{out}/j.jsonl"] + extra
                p = subprocess.Popen([runbook] + args, cwd=d, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
                if mode == "hang":
                    deadline = time.time() + 30
                    while time.time() < deadline and not os.path.exists(f"{out}/j.jsonl"):
                        time.sleep(0.05)
                    while time.time() < deadline and b"sleep 30" not in open(f"{out}/j.jsonl", "rb").read():
                        time.sleep(0.05)
                    time.sleep(0.2)
                    os.kill(p.pid, signal.SIGINT)
                stdout, stderr = p.communicate(timeout=120)
                runs += 1
                label = f"run mode={mode} --log-format {fmt}"
                if p.returncode != want:
                    FAILS.append(f"{label}: exit {p.returncode}, expected {want}\n{stderr.decode()[-2000:]}")
                for stream, data in (("stdout", stdout), ("stderr", stderr)):
                    scan(f"{label} {stream}", data)
                    if b"AddressSanitizer" in data or b"runtime error:" in data:
                        FAILS.append(f"{label}: sanitizer report in {stream}")
                # the secrets really went through: the masks are in the output
                if mode == "ok" and fmt == "text" and b"***" not in stdout:
                    FAILS.append(f"{label}: no *** in the output: the test did not exercise masking")
                for r in ("r.md", "r.json", "r.xml", "j.jsonl"):
                    if not os.path.exists(f"{out}/{r}"):
                        FAILS.append(f"{label}: {r} was not written")
                    elif b"Commands" not in open(f"{out}/{r}", "rb").read():
                        FAILS.append(f"{label}: {r} does not show the step \"Commands\"")
                scan_dir(label, out)
        # ask(secret: true), typed into a real terminal
        if shutil.which("tmux"):
            with open(os.path.join(d, "ask.rb"), "w") as f:
                f.write(ASK_SRC)
            sock = f"rbk-canary-{os.getpid()}"
            outd = os.path.join(d, "out-ask")
            os.mkdir(outd)
            cmd = (f"cd {d} && RBK_X=1 {runbook} run ask.rb --on-failure rollback --verbose --report {outd}/r.md --report {outd}/r.json "
                   f"--report {outd}/r.xml --journal {outd}/j.jsonl 2> {outd}/stderr; echo EXIT=$? > {outd}/exit; sleep 5")
            tm = ["tmux", "-L", sock]
            subprocess.run(tm + ["new-session", "-d", "-x", "150", "-y", "50", cmd], check=True, env=env)
            try:
                deadline = time.time() + 30
                for question, answer in (("Parameter pin", TYPED_PARAM), ("Password", ASKED)):
                    screen = ""
                    while time.time() < deadline:
                        screen = subprocess.run(tm + ["capture-pane", "-p"], capture_output=True, text=True).stdout
                        if question in screen:
                            break
                        time.sleep(0.1)
                    subprocess.run(tm + ["send-keys", "-l", answer], check=True)
                    subprocess.run(tm + ["send-keys", "Enter"], check=True)
                while time.time() < deadline and not os.path.exists(f"{outd}/exit"):
                    time.sleep(0.1)
                screen = subprocess.run(tm + ["capture-pane", "-p", "-S", "-200"], capture_output=True, text=True).stdout
                scan("ask: the terminal screen", screen)
                exitf = f"{outd}/exit"
                code = open(exitf).read().strip() if os.path.exists(exitf) else "no exit"
                if code != "EXIT=1":
                    FAILS.append(f"ask: {code}, expected EXIT=1 (the expectation fails, the rollback runs)")
                if "***" not in screen:
                    FAILS.append("ask: no *** in the output: the typed secret did not go through the runbook")
            finally:
                subprocess.run(tm + ["kill-server"], capture_output=True)
            runs += 1
            scan_dir("ask", outd)
        else:
            print("note: tmux is not installed: the ask(secret: true) case is not run")
    finally:
        shutil.rmtree(d, ignore_errors=True)
    for f in FAILS:
        print("FAIL", f)
    print(f"{runs} runs, {len(ALL_FORMS)} forms searched, {len(FAILS)} leaks or failures")
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
