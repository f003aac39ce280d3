# --no-wait and --time-scale both shorten waits: given together they are refused, exit 64, so a
# rehearsal never leaves a doubt about which one it used.
# args: --time-scale 60 --no-wait
# exit: 64
# expect: runbook: --no-wait and --time-scale both shorten waits: give one of them
# not-expect: ==
runbook "both"
step "Never" {
  log("not run")
}
