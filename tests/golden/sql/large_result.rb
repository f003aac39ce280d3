# 100,000 rows are converted row by row (single-row mode).
# requires: pg
# exit: 0
# expect: rows=100000 first=1 last=100000 half=50000.0
runbook "SQL: a large result"

env RBK_PG_URL

let db = sql.connect(env.RBK_PG_URL)

step "Read 100k rows" {
  let rows = db.query("SELECT g AS id, 'row ' || g AS label, g * 0.5 AS half FROM generate_series(1, 100000) g")
  log("rows={len(rows)} first={rows[0].id} last={rows[-1].id} half={rows[-1].half}")
  expect len(rows) == 100000
  expect rows[-1].label == "row 100000"
}
