# file.read of a missing file is an error naming the path and the cause; the step fails.
# exit: 1
# expect: file.read: cannot open "/nonexistent/rbk-golden/missing.txt": No such file or directory
# not-expect: after the error
runbook "file.read of a missing file"

step "Read a missing file" {
  let s = file.read("/nonexistent/rbk-golden/missing.txt")
  log("after the error {s}")
}
