# A param without a default is required: without a terminal that is an error before step 1.
# exit: 64
# expect: not started
# expect: parameter name (string) is required: pass --param name=VALUE
# not-expect: [1/1]
runbook "missing param"

param name: string

step "show" {
  log(name)
}
