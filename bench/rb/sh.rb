# bench/rb/sh.rb — the sh benchmark: n calls of sh("true") (anchor: a bash loop of /bin/sh -c true).
runbook "bench: sh"

param n = 1000

step "sh loop" {
  for _i in 1..n {
    sh("true")
  }
} rollback {
  log("nothing to undo")
}
