# close() closes; using the handle afterwards is an error.
# requires: pg
# exit: 1
# expect: closed by sql.close
runbook "SQL: use after close"

env RBK_PG_URL

let db = sql.connect(env.RBK_PG_URL)

step "Close, then query" {
  expect db.scalar("SELECT 1") == 1
  db.close()
  db.query("SELECT 1")
}
