# --dry-run: an expectation that fails before any write was skipped already fails in today's
# world: nothing the dry run skipped could have changed what it reads. The dry run fails as the
# real run would (exit 1, "already fails" with its position in the summary), and the write after
# it is not reached.
# args: --dry-run
# exit: 1
# expect: DRY RUN
# expect: ok     expect file.exists(".")
# expect: FAILED expect file.exists(conf) — the config is in place
# expect: dry_run_already_fails.rb:20:10: error: expectation failed: file.exists(conf) — the config is in place
# expect: == NO-GO: "Pre-flight" failed; rollback completed (0 rolled back) — dry run: 1 check verified, 0 unverified, 1 already fails (dry_run_already_fails.rb:20) — 
# not-expect: would sh("./deploy.sh")
# not-expect: unverified expect
runbook "Dry run: a check that already fails"

let conf = "rbk-dry-already-fails/missing.conf"

step "Pre-flight" {
  expect file.exists(".")
  expect file.exists(conf), "the config is in place"
}

step "Deploy" {
  sh("./deploy.sh")
}
