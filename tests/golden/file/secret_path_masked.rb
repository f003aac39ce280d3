# An error about a path built from a secret is masked like every other output.
# env: RBK_GOLDEN_FILE_SECRET=s3cr3t-file-name-4711
# exit: 1
# expect: file.read: cannot open "/nonexistent/***": No such file or directory
# not-expect: s3cr3t-file-name-4711
runbook "file errors mask secrets"

env RBK_GOLDEN_FILE_SECRET secret

step "Read a secret path" {
  let s = file.read("/nonexistent/{env.RBK_GOLDEN_FILE_SECRET}")
  log("after the error {s}")
}
