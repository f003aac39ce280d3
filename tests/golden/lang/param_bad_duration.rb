# exit: 64
# args: --param delay=5 --param on=yes
# expect: 2 problems found before step 1
# expect: --param delay=5: not a valid duration
# expect: --param on=yes: not a valid bool
runbook "bad duration and bool params"

param delay = 5s
param on = false

step "show" {
  log("{delay} {on}")
}
