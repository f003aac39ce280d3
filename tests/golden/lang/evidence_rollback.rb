# An expect in a rollback block that calls a fn running an expect of its own shows its own
# values, as one in a step does. The step's `if` calls the same fn (its expect passes).
# exit: 3
# expect: [1/1] FAILED Deploy
# expect: rollback Deploy
# expect: FAILED expect restored(release, previous)
# expect:            restored(release, previous) = false
# expect:            previous = "v1"
# expect:            release = "v2"
# expect: rollback FAILED Deploy
# not-expect: release = "v1"
# not-expect: previous = true
runbook "evidence: an expect in a rollback block"

fn restored(current, before) {
  expect current != "" and before != "" and current != before
  return current == before
}

step "Deploy" if not restored("v2", "v1") {
  fail "the deploy broke"
} rollback {
  let release = "v2"
  let previous = "v1"
  expect restored(release, previous)
}
