# exit: 64
# args: --param count=abc
# expect: --param count=abc: not a valid int
runbook "bad int param"

param count = 3

step "show" {
  log("{count}")
}
