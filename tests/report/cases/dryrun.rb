# A dry run: reads run for real, writes are shown, not done; checks that depend on a write
# that was not done are "unverified".
# args: --dry-run
# exit: 0
runbook "Scale the workers"

param count = 4

step "read the current size" {
  expect file.exists("dryrun.rb")
  log("scaling to {count}")
}

step "scale" {
  let r = sh("echo scaling to {count}")
  expect r.code == 0
  stop-if r.stderr != "", "the scaler complained"
  file.write("scaled.txt", "{count}")
} rollback {
  sh("echo scaled back")
}
