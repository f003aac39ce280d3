# tcp.open to a closed port on 127.0.0.1 is false (refused), promptly and without an error.
# exit: 0
# expect: port 1 open: false
runbook "tcp.open to a closed port"

step "Closed port" {
  let up = tcp.open("127.0.0.1", 1, timeout: 2s)
  expect not up
  log("port 1 open: {up}")
}

step "Closed port by name" {
  expect tcp.open("localhost", 1, timeout: 2s) == false
}
