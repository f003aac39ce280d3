# With --inventory, plan counts the hosts of a group, so a per-item step over `hosts.G` has a
# bounded worst case: 5 hosts, 2 at a time, are 3 batches.
# mode: plan
# args: --inventory data/workers.ini
# expect:   workers  5 hosts in the inventory  # the worker nodes
# expect:   spare  not in the inventory
# expect:    1. Upgrade {n}  per_item_inventory.rb:15  worst 4m30s (3 batches × 1m30s per instance)
# expect:       for n in hosts.workers (5 items), 2 at a time (serial 2), no failed instance tolerated (max_fail 0)
# expect:       rollback of each instance that ran, last ended first (worst 2m30s = 5 instances × 30s):
# expect:   run                                4m30s          0s       4m30s       2m30s
runbook "Rolling upgrade"
hosts workers  # the worker nodes
hosts spare

step "Upgrade {n}" for n in hosts.workers serial 2 {
  sh("apt-get upgrade -y", on: n, timeout: 1m)
  sh("true", on: hosts.spare, read_only: true)
} rollback {
  sh("apt-get install -y --allow-downgrades app=1.0", on: n)
}
