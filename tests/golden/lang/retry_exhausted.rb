# When every retry fails, the step fails: 1 + 2 attempts, then the rollback.
# exit: 1
# expect: log    attempt 1
# expect: log    attempt 2
# expect: log    attempt 3
# expect: [1/1] FAILED never
# expect: log    undo never
# not-expect: attempt 4
runbook "retry exhausted"

let attempts = 0

step "never" retry 2 every 1ms {
  attempts = attempts + 1
  log("attempt {attempts}")
  fail "still broken"
} rollback {
  log("undo never")
}
