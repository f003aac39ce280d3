# A dry run: reads run for real, writes are shown, not done.
# args: --dry-run
# exit: 0
runbook "Scale the workers"

param count = 4

step "read the current size" {
  expect file.exists("dryrun.rb")
  log("scaling to {count}")
}

step "scale" {
  sh("echo scaling to {count}")
  file.write("scaled.txt", "{count}")
} rollback {
  sh("echo scaled back")
}
