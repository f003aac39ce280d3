# An irreversible step is the point of no return: the rollback undoes the steps after it and
# stops there (exit 3).
# exit: 3
# expect: [1/4] ok A
# expect: [2/4] ok B
# expect: point of no return: "B" is irreversible — drops the old table
# expect: [4/4] FAILED D
# expect: rollback D
# expect: log    undo D
# expect: rollback C
# expect: log    undo C
# expect: rollback BLOCKED B: cannot roll back past an irreversible step: drops the old table
# expect: rollback NOT RUN A: before the point of no return
# expect: == NO-GO: "D" failed; NOT FULLY RESTORED (2 rolled back, 0 failed, 2 not run)
# not-expect: undo A
runbook "irreversible"

step "A" {
  log("A")
} rollback {
  log("undo A")
}
step "B" {
  log("B drops the old table")
} irreversible "drops the old table"
step "C" {
  log("C")
} rollback {
  log("undo C")
}
step "D" {
  fail "D broke"
} rollback {
  log("undo D")
}
