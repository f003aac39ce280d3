# cwd: runs the command in that directory; a missing directory is an error.
# exit: 1
# expect: cwd ok
# expect: cannot use working directory `/nonexistent/runbook-dir`
runbook "sh cwd"

step "in /" {
  let r = sh("pwd", cwd: "/")
  expect r.stdout == "/\n"
  let e = exec(["pwd"], cwd: "/")
  expect e.stdout == "/\n"
  log("cwd ok")
} rollback {
  log("nothing to undo")
}

step "missing directory" {
  sh("pwd", cwd: "/nonexistent/runbook-dir")
} rollback {
  log("nothing to undo")
}
