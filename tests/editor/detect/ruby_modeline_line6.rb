# comment 1
# comment 2
# comment 3
# comment 4
# comment 5
# vim: ft=runbook
def a
  1
end
# trailing 1
# trailing 2
# trailing 3
# trailing 4
# trailing 5
# trailing 6
# trailing 7
# trailing 8
