# file.write into a directory that does not exist fails and says why.
# exit: 1
# expect: file.write: cannot create a temporary file in "/nonexistent/rbk-golden": No such file or directory
runbook "file.write into a missing directory"

step "Write into a missing directory" {
  file.write("/nonexistent/rbk-golden/out.txt", "data")
} rollback {
  log("nothing to undo")
}
