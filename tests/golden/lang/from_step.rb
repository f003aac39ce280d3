# --from STEP skips the steps before it.
# args: --from B
# expect: [1/3] skipped A: before --from
# expect: [2/3] ok B
# expect: [3/3] ok C
# expect: == GO: 2 ok, 1 skipped
# not-expect: A body
runbook "from"

step "A" {
  log("A body")
}
step "B" {
  log("B body")
}
step "C" {
  log("C body")
}
