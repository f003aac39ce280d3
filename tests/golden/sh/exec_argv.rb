# exec runs argv[0] without a shell: every element is one argument, nothing is expanded.
# exit: 0
# expect: exec ok
# expect: probe code 127
runbook "exec argv"

step "argv" {
  let r = exec(["printf", "%s|", "a b", "$(touch pwned)", "'", "*", ""])
  expect r.stdout == "a b|$(touch pwned)|'|*||"
  expect r.code == 0
  expect not file.exists("pwned")
  log("exec ok")
  let p = exec(["runbook-no-such-program"], check: false)
  log("probe code {p.code}")
  expect p.code == 127
} rollback {
  log("nothing to undo")
}
