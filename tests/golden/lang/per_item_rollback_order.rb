# max_fail 0 (the default): the first failed instance fails the step; no further instance
# starts (its row says why); the instances that ran are rolled back in reverse order of their
# end, then the earlier steps.
# mode: run
# exit: 1
# expect: [2/2] ok Shard 1
# expect: [2/2] ok Shard 2
# expect: per_item_rollback_order.rb:28:10: error: expectation failed: s != 3
# expect: [2/2] FAILED Shard 3
# expect: skipped Shard 4: not started: more instances failed than max_fail allows
# expect: error: 1 of 4 instances failed (Shard 3), more than max_fail 0 allows; not started: 1
# expect: rollback Shard {s}
# expect: [Shard 3]   log    undo 3
# expect: [Shard 2]   log    undo 2
# expect: [Shard 1]   log    undo 1
# expect: rollback ok Shard {s}
# expect:   log    undo prepare
runbook "rollback order"

step "Prepare" {
  log("prepare")
} rollback {
  log("undo prepare")
}

step "Shard {s}" for s in [1, 2, 3, 4] {
  log("moving shard {s}")
  expect s != 3
} rollback {
  log("undo {s}")
}
