# SIGINT during a running query: the query is cancelled on the server, the step is
# interrupted, nothing else runs, exit 4. A detached helper sends the signal to the runner.
# requires: pg
# exit: 4
# expect: [1/2] ok arm the interrupt
# expect: cancelled: interrupted
# expect: INTERRUPTED a slow query
# not-expect: never reached
runbook "SIGINT cancels a query"
env RBK_PG_URL

let db = sql.connect(env.RBK_PG_URL)

step "arm the interrupt" {
  sh("setsid sh -c 'sleep 0.7; kill -INT $1' _ $PPID </dev/null >/dev/null 2>&1 & sleep 0.3")
} rollback {
  # nothing to undo: the signal is sent once
}

step "a slow query" {
  db.scalar("SELECT pg_sleep(20)")
  log("never reached")
}
