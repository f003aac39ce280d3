# A failed expectation after a retry: the failed step's rollback runs, then the completed
# steps' rollbacks, newest first; the last step never runs.
# exit: 1
runbook "Migrate the orders table"

step "back up" {
  let r = sh("echo 'backup: 1200 rows'")
  expect r.stdout contains "rows"
} rollback {
  sh("echo 'backup removed'")
}

step "migrate" retry 1 {
  let r = sh("echo 'migrated 1199 rows'; echo 'warning: 1 row skipped' >&2")
  let rows = int(split(trim(r.stdout), " ")[1])
  expect rows == 1200, "every row must be migrated"
} rollback {
  sh("echo 'migration reverted'")
}

step "verify" {
  log("never reached")
}
