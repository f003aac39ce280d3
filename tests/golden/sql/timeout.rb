# A call's timeout cancels the query on the server (PQcancel): pg_sleep(10) with timeout 300ms
# fails the step at once; the connection stays usable (the rollback uses it).
# requires: pg
# exit: 1
# expect: cancelled: timeout
# expect: query: SELECT pg_sleep(10)
# expect: rollback: connection usable, got 42
runbook "SQL: a query timeout cancels the query"

env RBK_PG_URL

let db = sql.connect(env.RBK_PG_URL)

step "Slow query" {
  db.scalar("SELECT pg_sleep(10)", timeout: 300ms)
} rollback {
  let n = db.scalar("SELECT 42")
  log("rollback: connection usable, got {n}")
}
