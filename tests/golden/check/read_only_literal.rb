# `read_only:` of sh/exec decides the call's effect before the run, so it must be a literal
# true or false. A step whose only commands are declared read-only changes nothing: it gets no
# no-rollback warning; read_only: false (the default) is a write and does.
param ro = true
step "Not literal" {
  sh("kubectl get pods", read_only: ro)  # expect error: `read_only` of `sh` must be written as `true` or `false`
  exec(["ls"], read_only: "yes")  # expect error: `read_only` of `exec` must be written as `true` or `false`
  sh("ls", read_only: not false)  # expect error: `read_only` of `sh` must be written as `true` or `false`
  sh("ls", read_only: nil)  # expect error: `read_only` of `sh` must be written as `true` or `false`
} rollback {
  log("nothing")
}
step "Reads only" {
  let pods = sh("kubectl get pods", read_only: true)
  exec(["pg_isready"], timeout: 5s, read_only: true)
  sh("df -h", 10s, true, nil, nil, nil, true)
  log(pods.stdout)
}
step "Declared a write" {  # expect warning: step "Declared a write" changes something but has neither `rollback` nor `irreversible`
  sh("kubectl rollout restart deploy/web", read_only: false)
}
step "Undeclared" {  # expect warning: step "Undeclared" changes something but has neither `rollback` nor `irreversible`
  sh("kubectl get pods")
}
# diag:
# | read_only_literal.rb:6:37: error: `read_only` of `sh` must be written as `true` or `false`
# |     6 |   sh("kubectl get pods", read_only: ro)  # expect error: `read_only` of `sh` must be written as `true` or `false`
# |       |                                     ^~
# |       = hint: the checker, --dry-run and plan need the call's effect before the run; to decide at run time, write two calls under an `if`
