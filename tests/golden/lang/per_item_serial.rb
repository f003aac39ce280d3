# A per-item step, one instance at a time (serial 1, the default): each item is an instance with
# its own start and end; a failure within max_fail is rolled back at the end of the step, and
# the run goes on.
# mode: run
# expect: 3 instances (for n in nodes), 1 at a time, 1 failure tolerated
# expect: [2/3] Upgrade a
# expect: [2/3] ok Upgrade a
# expect: [2/3] Upgrade b
# expect: per_item_serial.rb:30:10: error: expectation failed: n != "b"
# expect: [2/3] FAILED Upgrade b
# expect: [2/3] Upgrade c
# expect: [2/3] ok Upgrade c
# expect: 1 of 3 instances failed (Upgrade b), within max_fail 1
# expect: rollback Upgrade b
# expect: [Upgrade b]   log    undo b
# expect: rollback ok Upgrade b
# expect: [2/3] ok Upgrade {n}
# expect: GO: 3 ok
# not-expect: undo a
# not-expect: undo c
runbook "per-item, serial 1"
param nodes: list = ["a", "b", "c"]

step "Before" {
  log("before")
}

step "Upgrade {n}" for n in nodes max_fail 1 {
  log("upgrading {n}")
  expect n != "b", "b does not upgrade"
} rollback {
  log("undo {n}")
}

step "After" {
  log("after")
}
