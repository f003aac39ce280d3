# A confirm with a one-hour timeout in a rehearsal at --time-scale 1200: nobody answers and the
# countdown runs out after 3s of real time (tests/tty: confirm-timeout-scaled).
runbook "Gate timeout scaled"
step "Gate" {
  confirm("Proceed with the cutover?", timeout: 1h)
}
step "After" {
  log("after the gate")
}
