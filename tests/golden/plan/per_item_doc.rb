# runbook doc shows a per-item step's list, batch size and failure budget, and its worst case
# counted in batches.
# mode: doc
# expect: | 1 | Upgrade {n} | rolled back | 1m per instance; × ceil(items / 3) batches |
# expect: - [ ] **Step 1. Upgrade {n}**
# expect:   - Runs once per item, each run an instance of its own: for n in hosts.workers, 3 at a time (serial 3), at most 10% failed instances tolerated (max_fail 10%)
# expect:   - Worst case: 1m per instance; × ceil(items / 3) batches
# expect:   - If this fails, roll back each instance that ran, last ended first:
# expect: 1. Step 1, Upgrade {n}, each instance that ran, last ended first (worst case 30s per instance; × items)
runbook "Rolling upgrade"
hosts workers

step "Upgrade {n}" for n in hosts.workers serial 3 max_fail 10% {
  sh("apt-get upgrade -y", on: n, timeout: 1m)
} rollback {
  sh("apt-get install -y --allow-downgrades app=1.0", on: n)
}
