# doc lists the run locks a runbook declares (docs/state.md), with their line comments.
# mode: doc
# expect: ### Run locks
# expect: | Lock | Notes |
# expect: | `orders-db` | one cutover of the orders database at a time |
# expect: | `payments` |  |
# expect: ### Parameters
runbook "Locks in a doc"
lock "orders-db"  # one cutover of the orders database at a time
lock "payments"

step "switch" {
  log("switching")
}
