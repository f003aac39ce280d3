# SIGTERM behaves like the first Ctrl-C: the running command's process group is killed,
# the step is interrupted, no rollback, exit 4.
# exit: 4
# expect: [1/2] ok arm the signal
# expect: interrupted; its process group was killed
# expect: INTERRUPTED a long command
# not-expect: never reached
runbook "SIGTERM stops a command"

step "arm the signal" {
  sh("setsid sh -c 'sleep 0.7; kill -TERM $1' _ $PPID </dev/null >/dev/null 2>&1 & sleep 0.3")
} rollback {
  # nothing to undo: the signal is sent once
}

step "a long command" {
  sh("sleep 20")
  log("never reached")
} rollback {
  log("never reached either")
}
