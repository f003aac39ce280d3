# retry N every P: the body runs again after a failure; here it fails twice, then passes.
# expect: [1/2] flaky
# expect: log    attempt 1
# expect: FAILED expect attempts >= 3 — not ready yet
# expect: retry attempt 2 of the step
# expect: log    attempt 2
# expect: retry attempt 3 of the step
# expect: log    attempt 3
# expect: ok     expect attempts >= 3
# expect: [1/2] ok flaky
# expect: [2/2] ok after
# expect: == GO: 2 ok, 0 skipped
runbook "retry"

let attempts = 0

fn attempt() {
  attempts = attempts + 1
  return attempts
}

step "flaky" retry 3 every 10ms {
  let n = attempt()
  log("attempt {n}")
  expect attempts >= 3, "not ready yet"
}
step "after" {
  log("attempts={attempts}")
}
