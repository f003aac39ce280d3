# runbook plan: sh/exec declared `read_only: true` are listed as reads (through a fn, too), and a
# step whose only commands are read-only needs no rollback; read_only: false and the default
# are writes.
# mode: plan
# exit: 0
# expect: 3 steps, 0 gates, point of no return: none
# expect: 1. Look  read_only.rb:
# expect: read   sh         kubectl get pods -n {"web"}  (read_only: true; via pods; read_only.rb:
# expect: read   exec       pg_isready -q  (timeout: 5s, read_only: true; read_only.rb:
# expect: 2. Restart  read_only.rb:
# expect: write  sh         kubectl rollout restart deploy/web  (read_only: false; read_only.rb:
# expect: 3. Undeclared  read_only.rb:
# expect: write  sh         kubectl get pods  (read_only.rb:
# expect: Rollback order
# expect: 3. Undeclared  no rollback block, although the step changes things
# expect: 2. Restart  rollback block
# expect: 1. Look  no rollback block (nothing it does needs undoing)
runbook "Read-only commands"

fn pods(ns) {
  return sh("kubectl get pods -n {ns}", read_only: true)
}

step "Look" {
  let r = pods("web")
  exec(["pg_isready", "-q"], read_only: true, timeout: 5s)
  expect r.code == 0
}

step "Restart" {
  sh("kubectl rollout restart deploy/web", read_only: false)
} rollback {
  sh("kubectl rollout undo deploy/web")
}

step "Undeclared" {
  sh("kubectl get pods")
}
