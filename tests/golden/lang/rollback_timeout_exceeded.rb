# A rollback block that outlives its own `rollback timeout D` fails with that timeout named
# (the step's is longer): the run is not fully restored, exit 3.
# mode: run
# exit: 3
# expect: rollback_timeout_exceeded.rb:15:3: error: go back
# expect: rollback Restore
# expect: rollback_timeout_exceeded.rb:17:10: error: rollback: the rollback's timeout (200ms) expired
# expect: rollback FAILED Restore
# expect: NOT FULLY RESTORED
runbook "rollback timeout exceeded"

let restored = false

step "Restore" timeout 1h {
  fail "go back"
} rollback timeout 200ms {
  expect restored within 1h every 50ms
}
