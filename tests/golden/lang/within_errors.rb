# Errors while evaluating a `within` condition count as "not yet": the third poll succeeds.
# expect: ok     expect check() == 3
# expect: log    after 3 polls
# expect: == GO
runbook "within tolerates errors"

let polls = 0
let answers = {"3": 3}

fn check() {
  polls = polls + 1
  return answers[str(polls)]
}

step "tolerant" {
  expect check() == 3 within 5s every 10ms
  log("after {polls} polls")
}
