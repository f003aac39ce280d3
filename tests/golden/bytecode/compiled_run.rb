# Runs compiled.rbc, written by the golden compiled.rb (which sorts, and so runs, first).
# Only the annotations of this file matter: the runner runs the artifact named below.
# file: compiled.rbc
# mode: run
# args: --param who=fail
# exit: 1
# expect: == compiled runbook (2 steps)
# expect: log    hello fail
# expect: log    ARTIFACT!
# expect: [1/2] ok greet
# expect: compiled.rb:23:3: error: asked to fail
# expect:    23 |   fail "asked to fail"
# expect: [2/2] FAILED fail on purpose
# expect: log    undo greet
# expect: == NO-GO
