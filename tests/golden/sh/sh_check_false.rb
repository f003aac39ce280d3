# check: false hands a non-zero exit to the runbook instead of failing the step.
# exit: 0
# expect: code 3, stderr oops
runbook "sh check false"

step "non-zero exit is a value" {
  let r = sh("echo oops >&2; exit 3", check: false)
  expect r.code == 3
  expect r.stdout == ""
  log("code {r.code}, stderr {trim(r.stderr)}")
  let k = sh("kill -9 $$", check: false)
  expect k.code == 137
} rollback {
  log("nothing to undo")
}
