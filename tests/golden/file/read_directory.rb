# A directory exists, but it cannot be read or sized as a file.
# exit: 1
# expect: file.read: cannot read "/": it is a directory, not a regular file
runbook "file.read of a directory"

step "Read a directory" {
  expect file.exists("/")
  let s = file.read("/")
  log("after the error {s}")
}
