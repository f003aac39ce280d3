# Top-level code between steps fails: the error is reported outside the steps, the completed
# step is rolled back, the later step never runs. In JUnit the error is a testcase of its own.
# exit: 1
runbook "Top-level failure"

param port = "80a"

step "open the firewall" {
  sh("echo opened")
} rollback {
  sh("echo closed")
}

let p = int(port)

step "use the port" {
  log("port {p}")
}
