# A wait longer than the step's timeout fails the step when the timeout expires.
# exit: 1
# expect: [1/2] slow
# expect: error: the step's timeout expired during wait
# expect: [1/2] FAILED slow
# expect: rollback slow
# expect: log    undo slow
# not-expect: [2/2] after
runbook "step timeout during wait"

step "slow" timeout 200ms {
  wait(1m)
} rollback {
  log("undo slow")
}
step "after" {
  log("never runs")
}
