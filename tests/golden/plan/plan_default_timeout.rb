# runbook plan --default-timeout: a call without `timeout:` counts the given value (the one the
# run will get), in the step's worst case and in the JSON; the assumption names it.
# mode: plan
# args: --default-timeout 2m
# exit: 0
# expect: worst case: run 4m, full rollback 0s
# expect: 1. Look twice
# expect: - a call without `timeout:` counts 2m (--default-timeout): run with the same value
# not-expect: counts the default 30s
runbook "Default timeout"

step "Look twice" {
  sh("true", read_only: true)
  exec(["true"], read_only: true)
}
