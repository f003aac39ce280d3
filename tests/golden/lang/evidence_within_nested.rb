# `expect ... within` whose condition calls a fn that runs an expect of its own on every poll:
# when the time runs out, the values are the last poll's, each beside its own expression.
# exit: 1
# expect: FAILED expect ready(service, port) — still not true when the `within` time ran out
# expect:            ready(service, port) = false
# expect:            service = "api"
# expect:            port = 8080
# not-expect: (not evaluated)
# not-expect: service = 8080
# not-expect: port = true
runbook "evidence: within with a nested expect"

let polls = 0

fn ready(name, port) {
  polls = polls + 1
  expect name != "" and port > 1024 and polls > 0
  return false
}

step "Poll" {
  let service = "api"
  let port = 8080
  expect ready(service, port) within 60ms every 10ms
}
