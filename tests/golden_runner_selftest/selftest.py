#!/usr/bin/env python3
"""Self-test of tests/golden_runner.py against fake_runbook.sh (a shell script replaying canned output).

Owns: proof that the runner can fail. pass/ must give "8 passed, 0 failed, 2 skipped"; every
file in fail/ must, run alone, FAIL with the message named in its `#? reason:` line (so it
fails for the right reason, not an accidental one). Run by ctest as golden.runner-selftest.
"""

import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(HERE, "..", "golden_runner.py")
FAKE = os.path.join(HERE, "fake_runbook.sh")
SERVICES = os.path.join(HERE, "services.env")


def runner(*args):
    p = subprocess.run([sys.executable, RUNNER, "--runbook", FAKE, "--services-env", SERVICES,
                        "--timeout", "2", *args],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    return p.returncode, p.stdout


def main():
    problems = []
    code, out = runner(os.path.join(HERE, "pass"))
    summary = out.strip().splitlines()[-1] if out.strip() else ""
    if code != 0 or summary != "8 passed, 0 failed, 2 skipped":
        problems.append(f"pass/: exit {code}, summary {summary!r}\n{out}")
    else:
        print(f"ok   pass/: {summary}")

    fail_dir = os.path.join(HERE, "fail")
    for name in sorted(os.listdir(fail_dir)):
        path = os.path.join(fail_dir, name)
        with open(path, encoding="utf-8") as f:
            m = re.search(r"^#\? reason: (.*)$", f.read(), re.M)
        reason = m.group(1) if m else None
        code, out = runner(path)
        if reason is None:
            problems.append(f"fail/{name}: no '#? reason:' line")
        elif code != 1 or "FAIL " not in out or "0 passed, 1 failed, 0 skipped" not in out:
            problems.append(f"fail/{name}: the runner did not report a failure (exit {code})\n{out}")
        elif reason not in out:
            problems.append(f"fail/{name}: failed, but without {reason!r}\n{out}")
        else:
            print(f"ok   fail/{name}: {reason}")

    # A missing binary is a usage error, not a pass.
    p = subprocess.run([sys.executable, RUNNER, "--runbook", os.path.join(HERE, "no-such-binary"),
                        os.path.join(HERE, "pass")], capture_output=True, text=True)
    if p.returncode != 2:
        problems.append(f"missing binary: exit {p.returncode}, expected 2")
    else:
        print("ok   missing binary: exit 2")

    for p in problems:
        print("FAIL " + p)
    print(f"runner self-test: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
