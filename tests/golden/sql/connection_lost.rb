# A server that goes away mid-query gives a clear "connection lost" (here the backend is
# terminated from inside its own query; scripts/pg_cluster.sh-based tests also stop the server).
# The handle is closed afterwards: the rollback's use of it fails and says why.
# requires: pg
# exit: 3
# expect: connection lost
# expect: 57P01
# expect: is closed (connection lost)
runbook "SQL: connection lost"

env RBK_PG_URL

let db = sql.connect(env.RBK_PG_URL)

step "The server goes away" {
  db.scalar("SELECT pg_terminate_backend(pg_backend_pid())")
} rollback {
  db.scalar("SELECT 1")
}
