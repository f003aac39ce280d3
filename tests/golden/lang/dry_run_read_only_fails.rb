# A command declared `read_only: true` runs for real in a dry run, so an expectation on its
# result is checked, not "unverified": here it fails, and the dry run fails with it (the write
# after it and the rollback's write are only shown).
# mode: run
# args: --dry-run
# exit: 1
# expect: DRY RUN
# expect: FAILED expect trim(replicas.stdout) == "3"
# expect: trim(replicas.stdout) = "2"
# expect: dry_run_read_only_fails.rb:19:10: error: expectation failed: trim(replicas.stdout) == "3"
# expect: rollback Gate
# expect: would sh("rm -f /tmp/rbk-dry-ro-never-written")
# expect: NO-GO: "Gate" failed
# not-expect: unverified
# not-expect: scaling
runbook "Dry run fails on a read"
step "Gate" {
  let replicas = sh("echo 2", read_only: true)
  expect trim(replicas.stdout) == "3"
  sh("echo scaling > /tmp/rbk-dry-ro-never-written")
} rollback {
  sh("rm -f /tmp/rbk-dry-ro-never-written")
}
