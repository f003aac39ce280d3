# skip: a file of check_dir.rb's directory, not a golden test of its own
runbook "a"
use "./lib/util.rb"

step "one" {
  log("{util.double(2)}")
}
