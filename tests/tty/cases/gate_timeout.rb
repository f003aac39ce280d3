# A confirm nobody answers: the countdown runs out and the run stops (tests/tty: confirm-timeout).
runbook "Gate timeout"
step "Gate" {
  confirm("Proceed with the cutover?", timeout: 3s)
}
step "After" {
  log("after the gate")
}
