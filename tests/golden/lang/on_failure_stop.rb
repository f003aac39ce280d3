# --on-failure stop leaves everything as it is: no rollback, exit 3.
# args: --on-failure stop
# exit: 3
# expect: [2/2] FAILED B
# expect: note   --on-failure=stop: nothing was rolled back
# expect: == NO-GO: "B" failed; NOT FULLY RESTORED
# not-expect: undo
runbook "on-failure stop"

step "A" {
  log("A")
} rollback {
  log("undo A")
}
step "B" {
  fail "B broke"
} rollback {
  log("undo B")
}
