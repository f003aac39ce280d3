# exit: 64
# args: --param nosuch=1
# expect: --param nosuch: this runbook has no parameter of that name
runbook "unknown param"

param count = 3

step "show" {
  log("{count}")
}
