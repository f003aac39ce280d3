# stdin: feeds the command; without it stdin is /dev/null.
# exit: 0
# expect: stdin ok
runbook "sh stdin"

step "stdin" {
  let r = sh("wc -l", stdin: "a\nb\nc\n")
  expect trim(r.stdout) == "3"
  let c = exec(["cat"], stdin: "it's $(not) run")
  expect c.stdout == "it's $(not) run"
  let n = sh("cat")
  expect n.stdout == ""
  log("stdin ok")
} rollback {
  log("nothing to undo")
}
