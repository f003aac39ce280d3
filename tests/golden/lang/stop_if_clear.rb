# A false stop-if lets the step go on.
# expect: log    went on
# expect: == GO: 1 ok
runbook "stop-if clear"

step "gate" {
  stop-if 1 > 2, "impossible"
  log("went on")
}
