# An error that quotes a value shows a value holding a secret as <secret TYPE>.
# exit: 1
# not-expect: 8675309123
# expect: secret_in_container_error.rb:9:11: error: int: the argument must be a string, int, float, bool or duration, got list <secret list>
runbook "secret items in an error"

step "Error" {
  let n = secret(8675309000 + 123)
  let x = int(json.parse("[1]") + [n])
} rollback {
  log("undo")
}
