"""tests/diff/corpus.py — the pairs of runbooks `runbook diff` is tested on (tests/diff/diff_test.py).

cases/base.rb is the old side; each case below is base.rb with one change (the new side,
NAME.new.rb), or, for an `old` case, the old side (NAME.old.rb) with base.rb as the new one.
A `both` case makes both sides from base.rb: NAME.old.rb with its second list of edits,
NAME.new.rb with its first (a change between two versions of something base.rb does not have).
cases/formatting.new.rb is written by hand: base.rb in another layout, with other comments.
write(DIR) puts base.rb, formatting.new.rb and every case into DIR.
"""
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")

LOCK = '  stop-if sh("test -e /tmp/orders.lock", check: false, read_only: true).code == 0, "another cutover is running"\n'
MIGRATE_RB = '} rollback {\n  sh("migrate down --to v1")\n}'
CONFIRM = 'step "Confirm the window" {\n  confirm("Start the cutover of {release}?")\n}\n\n'
DRAIN = 'step "Drain" {'
DRAIN_STEP = ('\nstep "Drain" {\n  wait(drain)\n  expect sh("curl -fsS http://127.0.0.1/healthz", timeout: 5s, read_only: true)'
              '.code == 0 within 2m every 5s\n}\n')

# name: (what, [(text in base.rb, its replacement), ...], side)
PAIRS = {
    "identical": ("no change at all", [], "new"),
    "step-added": ('a step added after "Back up"', [(CONFIRM, 'step "Announce" {\n  sh("notify --channel ops \'cutover starts\'", read_only: true)\n}\n\n' + CONFIRM)], "new"),
    "step-removed": ('the step "Drain" removed (with its expect)', [(DRAIN_STEP, "")], "new"),
    "step-renamed": ('"Back up" renamed', [('step "Back up"', 'step "Back up the orders database"')], "new"),
    "step-reordered": ('"Confirm the window" moved first', [(CONFIRM, ""), ('step "Pre-flight"', CONFIRM + 'step "Pre-flight"')], "new"),
    "effect-added": ('an effect added to "Migrate"', [('  sh("migrate up --to {release}")\n', '  sh("migrate up --to {release}")\n  sh("vacuumdb --analyze orders")\n')], "new"),
    "effect-changed": ('the command of "Migrate" changed', [('sh("migrate up --to {release}")', 'sh("migrate up --to {release} --lock-timeout 5s")')], "new"),
    "effect-removed": ('the pg_dump removed from "Back up"', [('  sh("pg_dump orders > /tmp/orders.sql")\n', "")], "new"),
    "expect-message": ("an expect message changed", [('"the schema is at {release}"', '"migrate status does not show {release}"')], "new"),
    "expect-weakened": ("an expect bound loosened", [('file.size("/tmp/orders.sql") > 0', 'file.size("/tmp/orders.sql") > -1')], "new"),
    "expect-inclusive": ("an expect bound made inclusive: > 0 to >= 0 lets 0 through", [('file.size("/tmp/orders.sql") > 0', 'file.size("/tmp/orders.sql") >= 0')], "new"),
    "stop-if-removed": ('the stop-if of "Pre-flight" removed', [(LOCK, "")], "new"),
    "rollback-removed": ('the rollback of "Migrate" removed', [(MIGRATE_RB, "}")], "new"),
    "rollback-changed": ('the rollback of "Migrate" changed', [('sh("migrate down --to v1")', 'sh("migrate down --to v1 --force")')], "new"),
    "rollback-timeout": ('the rollback of "Migrate" gets its own timeout', [(MIGRATE_RB, MIGRATE_RB.replace("} rollback {", "} rollback timeout 30m {"))], "new"),
    "irreversible-pnr-earlier": ('"Migrate" made irreversible: the point of no return moves earlier',
                                 [(MIGRATE_RB, '} irreversible "down migrations lose the new columns"')], "new"),
    "gate-after-pnr": ('"Confirm the window" moved after the irreversible "Drop the old table"', [(CONFIRM, ""), (DRAIN, CONFIRM + DRAIN)], "new"),
    "decls-added": ("a param, an env and a lock added", [("param drain: duration = 30s\n", "param drain: duration = 30s\nparam batch: int = 500\nparam ticket: string\nenv PAGER_URL optional\nlock \"orders-db\"\n")], "new"),
    "decls-removed": ("an extra param, env and lock, which the new side (base.rb) removes",
                      [("param drain: duration = 30s\n", 'param drain: duration = 30s\nparam region = "eu-west-1"\nenv PAGER_URL optional\nlock "orders-db"\n')], "old"),
    "duration": ('the timeout of "Back up" doubled, the wait lengthened',
                 [('step "Back up" timeout 10m', 'step "Back up" timeout 20m'), ("param drain: duration = 30s", "param drain: duration = 2m")], "new"),
    "check-window": ("the window of the health check lengthened", [("within 2m every 5s", "within 10m every 5s")], "new"),
    "group-added": ('a hosts group added, the migration run on its hosts',
                    [("param release", "hosts app  # the application servers\nparam release"),
                     ('sh("migrate up --to {release}")', 'sh("migrate up --to {release}", on: hosts.app)')], "new"),
    "per-item-added": ('"Drain" made a per-item step over three web nodes, two at a time',
                       [(DRAIN, 'step "Drain" for node in ["web1", "web2", "web3"] serial 2 {')], "new"),
    "per-item-batch": ('the per-item "Drain": a larger batch (2 to 50%), a larger failure budget (0 to 1), another list',
                       [(DRAIN, 'step "Drain" for node in hosts.web serial 50% max_fail 1 {'), ("param release", "hosts web, canary\nparam release")], "both",
                       [(DRAIN, 'step "Drain" for node in hosts.canary serial 2 {'), ("param release", "hosts web, canary\nparam release")]),
    "per-item-smaller": ('the per-item "Drain": a smaller batch (3 to 1), a smaller failure budget (2 to 1)',
                         [(DRAIN, 'step "Drain" for node in ["web1", "web2", "web3"] max_fail 1 {')], "both",
                         [(DRAIN, 'step "Drain" for node in ["web1", "web2", "web3"] serial 3 max_fail 2 {')]),
}


def pairs():
    """(name, old file, new file) for every case, formatting included, sorted by name."""
    side_files = {"new": lambda n: ("base.rb", n + ".new.rb"), "old": lambda n: (n + ".old.rb", "base.rb"),
                  "both": lambda n: (n + ".old.rb", n + ".new.rb")}
    out = [(n,) + side_files[case[2]](n) for n, case in PAIRS.items()]
    out.append(("formatting", "base.rb", "formatting.new.rb"))
    return sorted(out)


def write(d):
    shutil.copy(os.path.join(CASES, "base.rb"), d)
    shutil.copy(os.path.join(CASES, "formatting.new.rb"), d)
    with open(os.path.join(CASES, "base.rb"), encoding="utf-8") as f:
        base = f.read()
    body = base[base.index('runbook "'):]
    for name, case in PAIRS.items():
        what, edits, side = case[:3]
        sides = [(side if side != "both" else "new", edits)] + ([("old", case[3])] if side == "both" else [])
        for which, eds in sides:
            text = body
            for old, new in eds:
                if old not in text:
                    raise ValueError("corpus case %s: %r is not in base.rb" % (name, old))
                text = text.replace(old, new, 1)
            with open(os.path.join(d, "%s.%s.rb" % (name, which)), "w", encoding="utf-8") as f:
                f.write("# tests/diff: base.rb with %s (%s side)\n" % (what, which) if side == "both" else "# tests/diff: base.rb with %s\n" % what)
                f.write(text)
