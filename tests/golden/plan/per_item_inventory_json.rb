# With --inventory, the JSON plan has each group's number of hosts (null: not in the inventory)
# and the per-item step's counted items and batches.
# mode: plan
# args: --format json --inventory data/workers.ini
# expect:       "group": "workers",
# expect:       "inventory_hosts": 5,
# expect:       "group": "spare",
# expect:       "inventory_hosts": null,
# expect:         "items": 5,
# expect:         "batches": 2,
runbook "Rolling upgrade"
hosts workers
hosts spare

step "Upgrade {n}" for n in hosts.workers serial 50% {
  sh("apt-get upgrade -y", on: n, timeout: 1m)
  sh("true", on: hosts.spare, read_only: true)
} rollback {
  sh("apt-get install -y --allow-downgrades app=1.0", on: n)
}
