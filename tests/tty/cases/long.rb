# A long command to interrupt (tests/tty: interrupt-menu).
runbook "Long"
step "Long" {
  sh("sleep 30")
  log("never reached")
} rollback {
  log("long rolled back")
}
