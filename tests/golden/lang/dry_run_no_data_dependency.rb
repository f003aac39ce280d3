# --dry-run: a read with no data dependency on a skipped write (it reads a path, not the write's
# result) is still the read of what the write would have created: after the skipped write, the
# expectation that does not hold and the read that fails are unverified, each naming the write
# (before issue 15 the taint followed values only: file.exists() looked verified and failed the
# run). A check that holds is verified; a `fail` the skipped write may explain does not fail the
# step; the next step still runs, and the summary counts them.
# args: --dry-run
# exit: 0
# expect: DRY RUN
# expect: ok     expect not file.exists(conf)
# expect: would sh("printf 'max_connections = 200\\n' > 'rbk-dry-nodep.conf'")
# expect: unverified expect file.exists(conf) — the config was written; may depend on: would sh("printf 'max_connections = 200\\n' > 'rbk-dry-nodep.conf'") at dry_run_no_data_dependency.rb:30
# expect: note   dry run: file.read failed; unverified (may depend on: would sh("printf 'max_connections = 200\\n' > 'rbk-dry-nodep.conf'") at dry_run_no_data_dependency.rb:30): file.read:
# expect: unverified expect file.read(conf) contains "max_connections = 200" — depends on a write the dry run did not do; may depend on
# expect: ok     expect 2 + 2 == 4
# expect: [1/2] ok Write the config
# expect: would sh("systemctl reload rbk-dry-nodep")
# expect: unverified stop-if not file.exists(conf) — the config is gone; may depend on: would sh("systemctl reload rbk-dry-nodep")
# expect: note   dry run: the step failed after a skipped write; unverified (may depend on: would sh("systemctl reload rbk-dry-nodep") at dry_run_no_data_dependency.rb:39 (and 1 earlier skipped write)): the reload did not pick up the config
# expect: [2/2] ok Reload
# expect: == GO: 2 ok, 0 skipped — dry run: 2 checks verified, 4 unverified, 0 already fail
# not-expect: FAILED
# not-expect: not reached
runbook "Dry run: a read with no data dependency on the skipped write"

let conf = "rbk-dry-nodep.conf"

step "Write the config" {
  expect not file.exists(conf)
  sh("printf 'max_connections = 200\\n' > {conf}")
  expect file.exists(conf), "the config was written"
  expect file.read(conf) contains "max_connections = 200"
  expect 2 + 2 == 4
} rollback {
  sh("rm -f {conf}")
}

step "Reload" {
  sh("systemctl reload rbk-dry-nodep")
  stop-if not file.exists(conf), "the config is gone"
  if not file.exists(conf) {
    fail "the reload did not pick up the config"
  }
  log("not reached in a dry run: the fail ended the step")
}
