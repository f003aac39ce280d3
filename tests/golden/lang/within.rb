# expect ... within D every P re-evaluates the condition (calls included) until it is true.
# A root fn advances a root global on every poll.
# expect: ok     expect poll() >= 3
# expect: log    polls=3
# expect: == GO
runbook "within passes after a few polls"

let polls = 0

fn poll() {
  polls = polls + 1
  return polls
}

step "eventually" {
  expect poll() >= 3 within 5s every 10ms
  log("polls={polls}")
}
