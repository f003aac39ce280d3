# file.size of a missing file is an error naming the path and the cause; the step fails.
# exit: 1
# expect: file.size: cannot stat "/nonexistent/rbk-golden/missing.txt": No such file or directory
# not-expect: after the error
runbook "file.size of a missing file"

step "Size of a missing file" {
  let n = file.size("/nonexistent/rbk-golden/missing.txt")
  log("after the error {n}")
}
