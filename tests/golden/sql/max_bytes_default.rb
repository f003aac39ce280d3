# Without max_bytes, a result may be 64 MiB (as max_bytes counts it: 48 bytes a row, 16 a field
# plus its text). 2,000,000 rows are refused after the 960,285 that fit, and the query is
# cancelled: they used to be built whole (634 MB for 2M rows of this size).
# requires: pg
# mode: run
# exit: 1
# expect: sql.query: the result is larger than 64 MiB (max_bytes: a row counts 48 bytes, a field 16 plus its text) after 960285 rows; the query was cancelled
# expect: still connected: 1
# not-expect: after the error
runbook "SQL: the default result limit"

env RBK_PG_URL

let db = sql.connect(env.RBK_PG_URL)

step "Two million rows" {
  let rows = db.query("SELECT g FROM generate_series(1, 2000000) g")
  log("after the error {len(rows)}")
} rollback {
  log("still connected: {db.scalar("SELECT 1")}")
}
