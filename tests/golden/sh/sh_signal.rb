# A command killed by a signal fails the step with the signal's name.
# exit: 1
# expect: killed by signal SIGKILL
runbook "sh killed by a signal"

step "killed" {
  sh("kill -9 $$")
} rollback {
  log("rolled back")
}
