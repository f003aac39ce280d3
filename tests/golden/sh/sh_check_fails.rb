# By default a non-zero exit fails the step; the error quotes the command, the code and the
# last lines of stderr.
# exit: 1
# expect: exited with code 7
# expect: last lines of stderr:
# expect:   line 6
# not-expect:   line 1
# expect: rolled back
runbook "sh check fails the step"

step "fails" {
  sh("for i in 1 2 3 4 5 6; do echo \"line $i\" >&2; done; exit 7")
  log("never printed")
} rollback {
  log("rolled back")
}
