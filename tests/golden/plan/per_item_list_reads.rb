# A per-item step's list may read (docs/fleet.md): its calls are among the step's effects, and
# its cost is counted once, before the batches, outside the step's timeout (no instance runs yet).
# mode: plan
# expect:    1. Check {x}  per_item_list_reads.rb:9  worst 7s (at most 2 batches × 1s per instance)
# expect:       for x in split(sh("list-nodes", read_only: true, timeout: 5s).stdout, "\n"), 50% of the items at a time (serial 50%), no failed instance tolerated (max_fail 0)
# expect:       read   sh         list-nodes  (timeout: 5s, read_only: true; per_item_list_reads.rb:9)
# expect:       read   sh         check {x}  (read_only: true; per_item_list_reads.rb:10)
runbook "List reads"
step "Check {x}" for x in split(sh("list-nodes", read_only: true, timeout: 5s).stdout, "\n") serial 50% timeout 1s {
  sh("check {x}", read_only: true)
}
