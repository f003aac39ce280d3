# The JSON log carries a passing expectation's message as its text.
# args: --log-format json
# expect: "status":"passed","text":"the sum is right","source":"n + 1 == 3"
runbook "passing expects in the log"

let n = 2

step "Check" {
  expect n + 1 == 3, "the sum is right"
}
