# skip: a file of check_dir.rb's directory, not a golden test of its own
runbook "b"
use "./lib/util.rb" as u

step "two" {
  log("{u.double(3)}")
}
