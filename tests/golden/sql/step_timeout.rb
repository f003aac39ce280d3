# The step's remaining time bounds every call inside it: the query is cancelled when the step's
# timeout passes, even without a timeout on the call.
# requires: pg
# exit: 1
# expect: cancelled: the step's timeout
# expect: after: 1
runbook "SQL: the step's timeout cancels the query"

env RBK_PG_URL

let db = sql.connect(env.RBK_PG_URL)

step "Slow query, short step" timeout 500ms {
  db.exec("SELECT pg_sleep(10)")
} rollback {
  let one = db.scalar("SELECT 1")
  log("after: {one}")
}
