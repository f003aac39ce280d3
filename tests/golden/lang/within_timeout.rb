# An expect ... within that never becomes true fails the step when the time runs out, with
# the last values; errors raised while polling count as "not yet".
# exit: 1
# expect: FAILED expect poll() < 0 — never negative; still not true when the `within` time ran out
# expect: poll() < 0 = false
# expect: within_timeout.rb:18:10: error: expectation failed
# expect: [1/1] FAILED never
runbook "within times out"

let polls = 0

fn poll() {
  polls = polls + 1
  return polls
}

step "never" {
  expect poll() < 0 within 150ms every 20ms, "never negative"
}
