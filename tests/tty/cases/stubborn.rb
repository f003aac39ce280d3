# A command that ignores SIGTERM: cancelling it takes the 2 s grace period, long enough for a
# second Ctrl-C to arrive while the first is still being handled (tests/tty: interrupt-twice).
runbook "Stubborn"
step "Stubborn" {
  sh("trap '' TERM; sleep 4.2718")  # tests/tty waits for this process before its Ctrl-C
  log("never reached")
} rollback {
  log("never reached either")
}
