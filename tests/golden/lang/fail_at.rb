# --fail-at STEP is a rehearsal: the step fails on purpose after its body and the rollback
# path runs.
# args: --fail-at B
# exit: 1
# expect: [1/3] ok A
# expect: log    B body
# expect: failed on purpose after its body (--fail-at rehearsal)
# expect: [2/3] FAILED B
# expect: log    undo B
# expect: log    undo A
# expect: == NO-GO: "B" failed; rollback completed (2 rolled back)
# not-expect: C body
runbook "fail-at rehearsal"

step "A" {
  log("A body")
} rollback {
  log("undo A")
}
step "B" {
  log("B body")
} rollback {
  log("undo B")
}
step "C" {
  log("C body")
}
