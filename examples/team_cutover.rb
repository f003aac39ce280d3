# A cutover that is the team's (docs/state.md, docs/approvals.md): it declares its run lock, so a
# second operator who starts the same cutover while this one goes on is refused before step 1
# (told who holds the lock, since when, from where, and how to see that run); and it waits in
# approve() until another person, a database role other than the operator's, approves with
# `runbook approve RUN` from their own machine, after reading the run's evidence with `runbook show RUN`.
#   runbook run examples/team_cutover.rb --state postgresql://alice@db.internal/runbook
#   runbook show RUN --state postgresql://bob@db.internal/runbook      (bob, on his machine)
#   runbook approve RUN --state postgresql://bob@db.internal/runbook
# scripts/demo.sh plays the whole of it with two roles, and tests/state/state_test.py
# (pg_case_team_cutover) runs this file the same way. Here nobody approves: the request times
# out, and the run stops before anything is switched (exit 2, as a confirm answered no).
# requires: pg
# args: --state ${RBK_PG_URL} --param approval_timeout=1s
# exit: 2
# expect: [1/3] Check the new primary
# expect: ok     expect lag_bytes == 0
# expect: [2/3] Switch orders writes to the new primary
# expect: gate   Replication lag is 0: switch orders writes to orders-db-2? -> not approved by 1 in time
# expect: == NO-GO: "Switch orders writes to the new primary" stopped; nothing else ran, nothing rolled back
# not-expect: [2/3] ok
runbook "Team cutover"
lock "orders-db"

param approval_timeout: duration = 30m
param new_primary = "orders-db-2"

step "Check the new primary" {
  # the rehearsal's stand-in for pg_stat_replication's replay lag, in bytes
  let lag_bytes = int(trim(sh("echo 0", read_only: true).stdout))
  expect lag_bytes == 0
  log("{new_primary}: replication lag {lag_bytes} bytes")
}

step "Switch orders writes to the new primary" {
  let question = "Replication lag is 0: switch orders writes to {new_primary}?"
  approve(question, by: 1, timeout: approval_timeout)
  sh("echo switching orders writes to {new_primary}")
} rollback {
  sh("echo switching orders writes back to the old primary")
}

step "Verify writes" {
  let out = sh("echo 'INSERT 0 1'", read_only: true)
  expect trim(out.stdout) == "INSERT 0 1"
}
