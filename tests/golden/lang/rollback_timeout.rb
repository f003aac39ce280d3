# `rollback timeout D {`: the rollback block gets its own timeout, not the step's. The step's
# 200ms would end this rollback's 400ms wait; its own 1m lets it finish (exit 1: rolled back).
# mode: run
# exit: 1
# expect: rollback_timeout.rb:15:3: error: go back
# expect: [1/1] FAILED Restore
# expect: rollback Restore
# expect: log    restored
# expect: rollback ok Restore
# expect: == NO-GO: "Restore" failed; rollback completed (1 rolled back)
# not-expect: expired
runbook "rollback timeout"

step "Restore" timeout 200ms {
  fail "go back"
} rollback timeout 1m {
  wait(400ms)
  log("restored")
}
