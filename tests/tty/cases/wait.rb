# A wait long enough to see the status line and its countdown (tests/tty: live-wait, no-color, dumb).
runbook "Wait"
step "Settle" {
  wait(3s)
}
step "Check" {
  log("checked")
}
