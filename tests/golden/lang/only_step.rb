# --only STEP runs one step.
# args: --only "B two"
# expect: [1/3] skipped A: not selected by --only
# expect: [2/3] ok B two
# expect: [3/3] skipped C: not selected by --only
# expect: == GO: 1 ok, 2 skipped
# not-expect: A body
# not-expect: C body
runbook "only"

step "A" {
  log("A body")
}
step "B two" {
  log("B body")
}
step "C" {
  log("C body")
}
