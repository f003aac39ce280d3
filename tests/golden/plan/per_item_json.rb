# A per-item step in the JSON plan: the clause, the counts (null: not known before the run)
# and an instance's worst cases.
# mode: plan
# args: --format json
# expect:       "per_item": {
# expect:         "var": "n",
# expect:         "list": "hosts.workers",
# expect:         "items": null,
# expect:         "serial": 25,
# expect:         "serial_percent": true,
# expect:         "max_fail": 1,
# expect:         "max_fail_percent": false,
# expect:         "batches": 4,
# expect:         "instance_worst": {
# expect:           "machine_ms": 60000,
# expect:         "instance_rollback_worst": {
# expect:           "machine_ms": 30000,
runbook "Rolling upgrade"
hosts workers

step "Upgrade {n}" for n in hosts.workers serial 25% max_fail 1 {
  sh("apt-get upgrade -y", on: n, timeout: 1m)
} rollback {
  sh("apt-get install -y --allow-downgrades app=1.0", on: n)
}
