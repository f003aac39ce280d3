# A missing program fails the step with a clear message.
# exit: 1
# expect: cannot run `runbook-no-such-program`: No such file or directory (not found in PATH)
runbook "exec missing program"

step "missing" {
  exec(["runbook-no-such-program", "--version"])
} rollback {
  log("nothing to undo")
}
