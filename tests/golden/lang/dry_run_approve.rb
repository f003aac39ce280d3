# A dry run asks nobody to approve: no request reaches other people for a run that changes
# nothing, and no run store is needed; the run goes on as if approved, the gate record says why.
# mode: run
# args: --dry-run
# expect: gate   Switch writes to the new primary? -> not asked: a dry run (the run asks 2 other people)
# expect: dry run: approve() is not asked; the run goes on as if 2 approved
# expect: would sh("echo switched")
# expect: GO
runbook "dry-run approve"

step "Switch" {
  approve("Switch writes to the new primary?", by: 2, timeout: 30m)
  sh("echo switched")
} rollback {}
