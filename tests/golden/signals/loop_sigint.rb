# Ctrl-C (SIGINT) interrupts a step that is busy in a loop of plain int arithmetic: the VM
# polls for it at the bottom of the loop (RANGE_LOOP), exit 4, no rollback.
# exit: 4
# expect: [1/2] ok arm the signal
# expect: loop_sigint.rb:18:12: error: interrupted
# expect: INTERRUPTED busy
# not-expect: never reached
runbook "SIGINT stops a busy loop"

step "arm the signal" {
  sh("setsid sh -c 'sleep 0.7; kill -INT $1' _ $PPID </dev/null >/dev/null 2>&1 & sleep 0.3")
} rollback {
  # nothing to undo: the signal is sent once
}

step "busy" {
  let n = 0
  for i in 1..10000000000 {
    n = n + 1
  }
  log("never reached {n}")
} rollback {
  log("never reached either")
}
