# Three arguments, and calls two deep: the outer fn runs an expect and calls an inner fn that
# runs another; every value of the failed expect in the step is its own.
# exit: 1
# expect: ok     expect scheme == "https" or scheme == "http"
# expect: ok     expect host != "" and port < 65536
# expect: ok     expect port > 0
# expect: FAILED expect reachable(scheme, host, port + 1) == ok
# expect:            reachable(scheme, host, port + 1) == ok = false
# expect:            reachable(scheme, host, port + 1) = "https://db.internal:5433"
# expect:            port + 1 = 5433
# expect:            scheme = "https"
# expect:            host = "db.internal"
# expect:            port = 5432
# expect:            ok = "ok"
# not-expect: (not evaluated)
runbook "evidence: nested calls two deep, three arguments"

fn valid_port(port) {
  expect port > 0
  return port
}

fn address(host, port) {
  expect host != "" and port < 65536
  return "{host}:{valid_port(port)}"
}

fn reachable(scheme, host, port) {
  expect scheme == "https" or scheme == "http"
  return "{scheme}://{address(host, port)}"
}

step "Address" {
  let scheme = "https"
  let host = "db.internal"
  let port = 5432
  let ok = "ok"
  expect reachable(scheme, host, port + 1) == ok
}
