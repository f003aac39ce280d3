# On a failure, the failed step's own rollback runs first, then the rollbacks of the
# completed steps in reverse order; steps without rollback are reported as such.
# exit: 1
# expect: [1/5] ok A
# expect: [2/5] ok B
# expect: [3/5] ok C
# expect: [4/5] FAILED D
# expect: rollback D
# expect: log    undo D
# expect: rollback ok D
# expect: rollback none C: no rollback block
# expect: rollback B
# expect: log    undo B
# expect: rollback ok B
# expect: rollback A
# expect: log    undo A
# expect: rollback ok A
# expect: == NO-GO: "D" failed; rollback completed (3 rolled back)
# not-expect: [5/5]
runbook "rollback order"

step "A" {
  log("do A")
} rollback {
  log("undo A")
}
step "B" {
  log("do B")
} rollback {
  log("undo B")
}
step "C" {
  log("do C (nothing to undo)")
}
step "D" {
  log("do D, half-way")
  expect 1 > 2, "D cannot finish"
} rollback {
  log("undo D")
}
step "E" {
  log("never")
} rollback {
  log("never undone")
}
