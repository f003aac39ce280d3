# SIGTERM during a command: the command's process group is killed, the step is interrupted,
# nothing is rolled back, exit 4; the report is still written, complete, and says so.
# exit: 4
runbook "Interrupted maintenance"

step "prepare" {
  sh("echo prepared")
} rollback {
  log("never: an interrupted run is not rolled back")
}

step "long job" {
  sh("echo starting; kill -TERM $PPID; sleep 20")
  log("never reached")
} rollback {
  log("never either")
}

step "after" {
  log("never reached")
}
