# file.sha256 of a missing file is an error naming the path and the cause.
# exit: 1
# expect: file.sha256: cannot open "/nonexistent/rbk-golden/missing.txt": No such file or directory
runbook "file.sha256 of a missing file"

step "Hash a missing file" {
  expect file.sha256("/nonexistent/rbk-golden/missing.txt") != ""
}
