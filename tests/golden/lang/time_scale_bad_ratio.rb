# --time-scale takes a factor of at least 1 or RUNBOOK=REAL durations: a ratio over no real time is refused before
# anything runs, with the reason, exit 64.
# args: --time-scale 1m=0s
# exit: 64
# expect: runbook: --time-scale takes a factor from 1 to 1000000 (60: a minute of runbook time takes a second) or RUNBOOK=REAL durations such as 1m=1s, not 1m=0s
# not-expect: ==
runbook "bad scale"
step "Never" {
  log("not run")
}
