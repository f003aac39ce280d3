# The error shown as a sub-expression's value is masked like every other text: the secret in
# the path a builtin names in its error is `***`.
# exit: 1
# expect:            file.read(path) = error: file.read: cannot open "/nonexistent/***": No such file or directory
# not-expect: k3y-very-secret
runbook "evidence: a secret in an error value"

let k = secret("k3y-very-secret")

step "read" {
  let path = "/nonexistent/{k}"
  expect len(file.read(path)) > 0 within 20ms every 10ms
}
