# Server errors carry the SQLSTATE, the message, detail and hint, and the query (truncated).
# requires: pg
# exit: 1
# expect: SQLSTATE 42P01: relation "no_such_table_rbk" does not exist
# expect: query: SELECT count(*) FROM no_such_table_rbk WHERE id = $1
runbook "SQL: missing table"

env RBK_PG_URL

let db = sql.connect(env.RBK_PG_URL)

step "Query a table that is not there" {
  let id = 7
  let n = db.scalar("SELECT count(*) FROM no_such_table_rbk WHERE id = {id}")
  expect n == 0
}
