# comment 1
# comment 2
# comment 3
# comment 4
# vim: ft=runbook
fn a() {
  return 1
}
# trailing 1
# trailing 2
# trailing 3
# trailing 4
# trailing 5
# trailing 6
# trailing 7
# trailing 8
