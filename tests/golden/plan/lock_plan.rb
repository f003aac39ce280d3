# plan lists the run locks a runbook declares (docs/state.md), with their line comments.
# mode: plan
# expect: Locks (taken in the run store before step 1: --state)
# expect:   orders-db  # one cutover of the orders database at a time
# expect:   payments
# expect: Parameters (--param NAME=VALUE)
runbook "Locks in a plan"
lock "orders-db"  # one cutover of the orders database at a time
lock "payments"

step "switch" {
  log("switching")
}
