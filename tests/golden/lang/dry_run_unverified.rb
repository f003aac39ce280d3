# --dry-run: writes are shown, not done; what depends on them is "unverified", not passed,
# and does not fail the run; what does not depend on them is checked for real.
# args: --dry-run --verbose
# expect: DRY RUN
# expect: would sh("echo deploying > /tmp/rbk-dry-never-written")
# expect: unverified expect r.code == 0
# expect: log    output: <dry-run>
# expect: note   dry run: a condition depends on a write that was not done
# expect: unverified expect n > 0
# expect: ok     expect 1 + 1 == 2
# expect: ok     expect file.exists("/")
# expect: unverified stop-if r.stderr != ""
# expect: GO
# not-expect: deploy failed
runbook "Dry run"
step "Deploy" {
  let r = sh("echo deploying > /tmp/rbk-dry-never-written")
  expect r.code == 0
  log("output: {r.stdout}")
  if r.code != 0 {
    fail("deploy failed")
  }
  let n = len(r.stdout) + 1
  expect n > 0
  expect 1 + 1 == 2
  expect file.exists("/")
  for line in split(r.stdout, "\n") {
    log(line)
  }
  stop-if r.stderr != ""
}
step "Check" {
  expect not file.exists("/tmp/rbk-dry-never-written")
}
