# A failure inside a rollback halts the rollback: exit 3, the report says which rollbacks
# ran, which failed and which never ran.
# exit: 3
# expect: [4/4] FAILED D
# expect: rollback C
# expect: log    undo C
# expect: rollback ok C
# expect: rollback B
# expect: rollback_fails.rb:24:3: error: rollback: cannot undo B
# expect: rollback FAILED B
# expect: rollback NOT RUN A: the rollback stopped at an earlier failure
# expect: == NO-GO: "D" failed; NOT FULLY RESTORED (1 rolled back, 1 failed, 1 not run)
# not-expect: undo A
runbook "rollback fails"

step "A" {
  log("A")
} rollback {
  log("undo A")
}
step "B" {
  log("B")
} rollback {
  fail "cannot undo B"
}
step "C" {
  log("C")
} rollback {
  log("undo C")
}
step "D" {
  expect 1 > 2
}
