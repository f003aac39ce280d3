# timeout: stops the command (SIGTERM to its process group, SIGKILL after the grace period);
# the step fails, whatever check: says.
# exit: 1
# expect: (timeout (300ms)); its process group was killed
# expect: rollback ok too slow
runbook "sh timeout"

step "too slow" {
  sh("sleep 100", timeout: 300ms, check: false)
  log("never printed")
} rollback {
  log("rolled back")
}
