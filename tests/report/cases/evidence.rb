# Expectation values are evidence: a check whose fn runs an expect of its own keeps its own
# values (passing or not), and a call that raised in the last poll of a `within` shows the
# error as its value.
# exit: 1
runbook "Check the replica"

fn present(name, value) {
  expect name != "" and len(name) > 2
  return value != ""
}

fn lag_of(name, limit) {
  expect name != "" and limit > 0
  let status = json.parse("\{\"replica\": \"r1\"\}")
  return status.lag_seconds
}

step "configuration" {
  let var = "REPLICA"
  let val = "r1"
  expect present(var, val)
}

step "replica caught up" {
  let replica = "r1"
  let max_lag = 5
  expect lag_of(replica, max_lag) <= max_lag within 0ms every 10ms
}
