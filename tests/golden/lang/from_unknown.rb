# --from with a name that is not a step is a usage error.
# args: --from Nope
# exit: 64
# expect: Nope
runbook "from unknown"

step "A" {
  log("A")
}
