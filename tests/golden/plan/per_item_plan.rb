# plan shows a per-item step with its list, batch size and failure budget; its worst case is
# an instance's times the batches, and says so plainly when the list's length is not known.
# mode: plan
# expect:    1. Upgrade {n.name}  per_item_plan.rb:23  worst 1m10s per instance; × ceil(items / 2) batches
# expect:       for n in hosts.workers, 2 at a time (serial 2), at most 1 failed instance tolerated (max_fail 1)
# expect:       each instance: timeout 5m, retry 1 every 10s
# expect:       rollback of each instance that ran, last ended first (worst 30s per instance; × items):
# expect:    2. Drain {x}  per_item_plan.rb:29  worst 1m30s (3 batches × 30s per instance)
# expect:       for x in nodes (5 items), 25% of the items at a time (serial 25%: 2), at most 10% failed instances tolerated (max_fail 10%: 0)
# expect:       rollback of each instance that ran, last ended first (worst 2m30s = 5 instances × 30s):
# expect:    3. Check {x}  per_item_plan.rb:35  worst 40s (at most 4 batches × 10s per instance)
# expect:       for x in unique(nodes), 30% of the items at a time (serial 30%), no failed instance tolerated (max_fail 0)
# expect:    1. Upgrade {n.name}  rollback block of each instance that ran, worst 30s per instance; × items
# expect:   run                            unbounded
# expect:     - nodes = ["a", "b", "c", "d", "e"] (its default; --param nodes=... changes it)
# expect:     - step 1 "Upgrade {n.name}": 1m10s per instance × ceil(items / 2) batches, and the number of items of `hosts.workers` is not known before the run (runbook plan --inventory FILE counts group workers)
# expect:     - step 4 "Zone {z}": 10s per instance × ceil(items / 3) batches, and the number of items of `zones` is not known before the run (it depends on --param zones)
runbook "Rolling upgrade"
hosts workers  # the worker nodes
param nodes: list = ["a", "b", "c", "d", "e"]
param zones: list

step "Upgrade {n.name}" for n in hosts.workers serial 2 max_fail 1 timeout 5m retry 1 every 10s {
  sh("apt-get upgrade -y", on: n)
} rollback {
  sh("apt-get install -y --allow-downgrades app=1.0", on: n)
}

step "Drain {x}" for x in nodes serial 25% max_fail 10% timeout 1m {
  sh("drain {x}")
} rollback {
  sh("undrain {x}")
}

step "Check {x}" for x in unique(nodes) serial 30% {
  sh("check {x}", timeout: 10s, read_only: true)
}

step "Zone {z}" for z in zones serial 3 {
  sh("check {z}", timeout: 10s, read_only: true)
}
