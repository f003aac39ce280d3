# A command declared `read_only: true` runs for real in a dry run, so an expectation on its
# result is checked, not "unverified": here it fails before any write was skipped, so it already
# fails in today's world and the dry run fails with it, exit 1, the summary naming it (the write
# after it and the rollback's write are only shown).
# mode: run
# args: --dry-run
# exit: 1
# expect: DRY RUN
# expect: FAILED expect trim(replicas.stdout) == "3"
# expect: trim(replicas.stdout) = "2"
# expect: dry_run_read_only_fails.rb:20:10: error: expectation failed: trim(replicas.stdout) == "3"
# expect: rollback Gate
# expect: would sh("rm -f /tmp/rbk-dry-ro-never-written")
# expect: NO-GO: "Gate" failed; rollback completed (1 rolled back) — dry run: 0 checks verified, 0 unverified, 1 already fails (dry_run_read_only_fails.rb:20)
# not-expect: unverified expect
# not-expect: scaling
runbook "Dry run fails on a read"
step "Gate" {
  let replicas = sh("echo 2", read_only: true)
  expect trim(replicas.stdout) == "3"
  sh("echo scaling > /tmp/rbk-dry-ro-never-written")
} rollback {
  sh("rm -f /tmp/rbk-dry-ro-never-written")
}
