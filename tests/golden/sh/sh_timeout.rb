# timeout: stops the command (SIGTERM to its process group, SIGKILL after the grace period);
# the step fails, whatever check: says.
# exit: 1
# expect: timed out after
# expect: its process group was killed
runbook "sh timeout"

step "too slow" {
  sh("sleep 100", timeout: 300ms, check: false)
  log("never printed")
} rollback {
  log("rolled back")
}
