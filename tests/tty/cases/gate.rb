# A confirm between two steps (tests/tty: confirm-yes, confirm-no, confirm-eof).
runbook "Gate"
step "Before" {
  log("before the gate")
}
step "Gate" {
  confirm("Proceed with the cutover?", timeout: 2m)
}
step "After" {
  log("after the gate")
}
