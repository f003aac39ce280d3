#!/usr/bin/env python3
"""tests/fleet/copy_test.py RUNBOOK DIR — file.upload and file.download (docs/fleet.md, Copying
files) against the loopback sshd fleet of scripts/sshd_fleet.sh in DIR. The hosts are this
machine, so what reached "the remote side" is read from DIR's files directly:

- a file with every byte value, under a name with quotes, $, ;, `, a backslash, pattern
  characters and UTF-8, uploaded to two hosts arrives byte for byte; a decoy that the name
  would match as a pattern is not touched; downloaded back, it is the same bytes, and an
  existing local file keeps its mode;
- a missing remote file is an error that names the host and quotes scp, masked, and leaves no
  local file (nor a temporary one);
- --dry-run shows `would file.upload(...) on h1, h3` and copies nothing;
- an unknown host, a download from a list and a remote path starting with '-' are refused;
- the report has one row per host;
- a directory (subdirectories, an empty one, a hidden file, hostile names) is uploaded to two
  hosts and downloaded back the same; a second upload merges into the target (never nests it),
  a second download replaces the local directory whole; a remote directory onto a local file and
  a FIFO are refused; a failing directory upload names the host, masked.
"""
import atexit
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fleetlib import check, failures, fleet_env  # noqa: E402

RUNBOOK, DIR = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
ENV = fleet_env(DIR)
INV = ENV["RBK_INVENTORY"]
HOME = os.path.join(DIR, "home")
TMP = tempfile.mkdtemp(prefix="rbk-copy-")


def run(rb_text, *args, env=None):
    rb = os.path.join(TMP, "t.rb")
    with open(rb, "w") as f:
        f.write(rb_text)
    e = dict(os.environ, NO_COLOR="1")
    e.update(env or {})
    return subprocess.run([RUNBOOK, "run", rb, "--inventory", INV, *args], capture_output=True, timeout=300, env=e,
                          cwd=TMP)


def out(r):
    return r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")


# a name that a shell, a pattern or scp's own host:path reading would take apart
NAME = "copy it'\"$HOME;`id` \\ *?[a]:x \u00e9".encode()
DECOY = NAME.replace(b"*?[a]", b"Qa")  # what the name matches as a pattern
CONTENT = bytes(range(256)) * 4 + b"\0tail"
dst = os.path.join(HOME.encode(), NAME)


cleanup_trees = []


@atexit.register
def cleanup():  # the fleet's home stays empty for the tests after this one (fleet.fixture)
    for p in (dst, os.path.join(HOME.encode(), DECOY)):
        if os.path.exists(p):
            os.unlink(p)
    for p in cleanup_trees:
        shutil.rmtree(p, ignore_errors=True)
    shutil.rmtree(TMP, ignore_errors=True)


src = os.path.join(TMP.encode(), NAME)
with open(src, "wb") as f:
    f.write(CONTENT)
with open(os.path.join(HOME.encode(), DECOY), "wb") as f:
    f.write(b"decoy")
back = os.path.join(TMP.encode(), b"back " + NAME)
with open(back, "wb") as f:
    f.write(b"old")
os.chmod(back, 0o640)

UP = '''runbook "copy"
hosts web
param src
param dst
param back
step "copy" {
  file.upload(src, dst, on: [hosts.web[0], hosts.web[1]])
  file.download(dst, back, on: hosts.web[1])
} rollback { log("nothing to undo") }
'''
report = os.path.join(TMP, "r.json")
r = subprocess.run([RUNBOOK, "run", os.path.join(TMP, "up.rb"), "--inventory", INV, "--param", b"src=" + src,
                    "--param", b"dst=" + dst, "--param", b"back=" + back, "--report", report],
                   capture_output=True, timeout=300, cwd=TMP) if open(os.path.join(TMP, "up.rb"), "w").write(UP) else None
o = out(r)
got = open(dst, "rb").read() if os.path.exists(dst) else b""
check(r.returncode == 0 and got == CONTENT, f"upload: every byte under a hostile name reaches the host ({o[-400:]!r})")
check(open(os.path.join(HOME.encode(), DECOY), "rb").read() == b"decoy", "the decoy the name matches as a pattern is untouched")
check(open(back, "rb").read() == CONTENT, "download: the same bytes come back")
check(stat.S_IMODE(os.stat(back).st_mode) == 0o640, "download keeps the mode of the file it replaces")
check(not [n for n in os.listdir(TMP) if b".rbk-tmp-" in n.encode()], "no temporary file is left")
rep = open(report).read() if os.path.exists(report) else ""
rows = json.loads(rep) if rep else {}
text = json.dumps(rows)
check(text.count("upload ") >= 2 and " on h1" in text and " on h3" in text and "download " in text,
      f"the report has one row per host ({text[:300]!r})")

# --- a missing remote file: the host, scp's message, masked; no local file
r = run('''runbook "missing"
env TOKEN secret
step "s" {
  file.download("/nonexistent-rbk/{env.TOKEN}", "got", on: "h1")
}
''', env={"TOKEN": "s3cr3t-value"})
o = out(r)
check(r.returncode == 1 and "file.download of /nonexistent-rbk/*** failed on 1 of 1 host" in o and "\nh1: scp exited with code 1" in o
      and "No such file or directory" in o and "s3cr3t-value" not in o, f"a missing remote file names the host, masked ({o[-500:]!r})")
check(not [n for n in os.listdir(TMP) if n.startswith("got") or ".got.rbk-tmp-" in n], "a failed download leaves no local file")

# --- dry run: shown with its hosts, nothing copied
dry = os.path.join(HOME, "dry-never")
r = run(f'''runbook "dry"
hosts web
step "s" {{
  file.upload("t.rb", "{dry}", on: [hosts.web[0], hosts.web[1]])
}} rollback {{ log("x") }}
''', "--dry-run")
o = out(r)
check(r.returncode == 0 and f'would file.upload("t.rb", "{dry}") on h1, h3' in o and not os.path.exists(dry),
      f"--dry-run shows the upload with its hosts and copies nothing ({o[-300:]!r})")

# --- refusals
for call, want in [
    ('file.upload("t.rb", "x", on: "zz")', "file.upload: on: host `zz` is not in the inventory"),
    ('file.download("x", "y", on: ["h1", "h3"])', "file.download: on: must be one host"),
    ('file.upload("t.rb", "-oProxyCommand=x", on: "h1")', "file.upload on h1: a remote path must not start with '-'"),
]:
    r = run(f'runbook "refuse"\nstep "s" {{\n  {call}\n}}\n')
    check(r.returncode == 1 and want in out(r), f"refused: {call} ({out(r)[-300:]!r})")
check(not os.path.exists(os.path.join(TMP, "y")), "a refused download writes nothing")

# --- directories: recursive, into (never nested under) the target, the same names and bytes
def tree(root):
    """{relative path: bytes, or None for a directory} under root"""
    got = {}
    for d, dirs, files in os.walk(root):
        for n in dirs:
            got[os.path.relpath(os.path.join(d, n), root)] = None
        for n in files:
            with open(os.path.join(d, n), "rb") as f:
                got[os.path.relpath(os.path.join(d, n), root)] = f.read()
    return got


local_tree = os.path.join(TMP.encode(), b"tree " + NAME)
os.makedirs(os.path.join(local_tree, b"sub dir", NAME))
os.makedirs(os.path.join(local_tree, b"empty"))
for rel, data in ((NAME, CONTENT), (b".hidden", b"h"), (b"sub dir/" + NAME + b"/deep", b"deep\n")):
    with open(os.path.join(local_tree, rel), "wb") as f:
        f.write(data)
remote_tree = os.path.join(HOME.encode(), b"dir " + NAME)
cleanup_trees.append(remote_tree)
back_tree = os.path.join(TMP.encode(), b"back tree")
DIRS = '''runbook "dirs"
hosts web
param src
param dst
param back
step "copy" {
  file.upload(src, dst, on: [hosts.web[0], hosts.web[1]])
  file.download(dst, back, on: hosts.web[1])
} rollback { log("nothing to undo") }
'''
with open(os.path.join(TMP, "dirs.rb"), "w") as f:
    f.write(DIRS)
dargs = [RUNBOOK, "run", os.path.join(TMP, "dirs.rb"), "--inventory", INV, "--param", b"src=" + local_tree,
         "--param", b"dst=" + remote_tree, "--param", b"back=" + back_tree]
r = subprocess.run(dargs, capture_output=True, timeout=300, cwd=TMP)
o = out(r)
want = tree(local_tree)
check(r.returncode == 0 and tree(remote_tree) == want, f"upload of a directory: every file, subdirectory (empty too) and hidden file, "
      f"byte for byte under hostile names ({o[-400:]!r})")
check(tree(back_tree) == want, "download of a directory: the same tree comes back")
# again, with a file only on the remote side and one only in the local copy: the upload merges into
# the target (no dst/NAME nesting), the download replaces the local directory whole
with open(os.path.join(remote_tree, b"remote-only"), "wb") as f:
    f.write(b"r")
with open(os.path.join(back_tree, b"local-only"), "wb") as f:
    f.write(b"l")
r = subprocess.run(dargs, capture_output=True, timeout=300, cwd=TMP)
o = out(r)
want_remote = dict(want)
want_remote[b"remote-only"] = b"r"
check(r.returncode == 0 and tree(remote_tree) == want_remote,
      f"a second upload merges into the directory, never nests it ({sorted(tree(remote_tree))[:6]!r} {o[-300:]!r})")
check(tree(back_tree) == want_remote, "a second download replaces the local directory whole")
check(not [n for n in os.listdir(TMP) if ".rbk-tmp-" in n], "no temporary directory is left")

# a remote directory onto a local file: refused, the file untouched; a FIFO is not uploaded
afile = os.path.join(TMP.encode(), b"a file")
with open(afile, "wb") as f:
    f.write(b"keep")
fifo = os.path.join(TMP, "a fifo")
os.mkfifo(fifo)
for call, want_msg in [
    (b'file.download(dst, back, on: "h1")', "which a directory does not replace"),
    (b'file.upload("' + fifo.encode() + b'", "x", on: "h1")', "is a FIFO"),
]:
    with open(os.path.join(TMP, "refd.rb"), "wb") as f:
        f.write(b'runbook "refuse"\nparam dst\nparam back\nstep "s" {\n  ' + call + b'\n}\n')
    r = subprocess.run([RUNBOOK, "run", os.path.join(TMP, "refd.rb"), "--inventory", INV, "--param", b"dst=" + remote_tree,
                        "--param", b"back=" + afile], capture_output=True, timeout=300, cwd=TMP)
    check(r.returncode == 1 and want_msg in out(r), f"refused: {call.decode(errors='replace')} ({out(r)[-300:]!r})")
check(open(afile, "rb").read() == b"keep", "a refused directory download leaves the local file as it was")

# a failing directory upload names the host and quotes scp, masked
with open(os.path.join(TMP, "dirfail.rb"), "w") as f:
    f.write('''runbook "dir fails"
env TOKEN secret
param src
step "s" {
  file.upload(src, "/nonexistent-rbk/{env.TOKEN}/x", on: "h1")
}
''')
r = subprocess.run([RUNBOOK, "run", os.path.join(TMP, "dirfail.rb"), "--inventory", INV, "--param", b"src=" + local_tree],
                   capture_output=True, timeout=300, cwd=TMP, env=dict(os.environ, TOKEN="s3cr3t-value"))
o = out(r)
check(r.returncode == 1 and "file.upload of directory " in o and "failed on 1 of 1 host" in o and "h1: scp exited with code" in o
      and "s3cr3t-value" not in o, f"a failing directory upload names the host, masked ({o[-400:]!r})")

sys.exit(1 if failures else 0)
