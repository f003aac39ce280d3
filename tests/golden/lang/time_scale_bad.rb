# --time-scale takes a factor of at least 1 or RUNBOOK=REAL durations: 0 is refused before
# anything runs, with the reason, exit 64.
# args: --time-scale 0
# exit: 64
# expect: runbook: --time-scale takes a factor from 1 to 1000000 (60: a minute of runbook time takes a second) or RUNBOOK=REAL durations such as 1m=1s, not 0
# not-expect: ==
runbook "bad scale"
step "Never" {
  log("not run")
}
