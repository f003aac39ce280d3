# plan --format json carries the declared run locks (docs/state.md), each with its line.
# mode: plan
# args: --format json
# expect:   "locks": [
# expect:       "name": "orders-db",
# expect:       "line": 10,
# expect:       "description": null
# expect:   "params": [],
runbook "Locks in JSON"
lock "orders-db"

step "switch" {
  log("switching")
}
