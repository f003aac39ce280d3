# A rehearsal in compressed time: every report says so (docs/reports.md), and a wait shows its
# runbook time.
# args: --time-scale 1m=1s
runbook "Rehearsal"
step "Drain" {
  wait(30s)
  expect 1 + 1 == 2, "arithmetic"
}
