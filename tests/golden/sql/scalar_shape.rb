# sql.scalar needs exactly one row with one column; anything else says what came back.
# requires: pg
# exit: 1
# expect: sql.scalar: expected 1 row with 1 column, got 2 rows with 2 columns
runbook "SQL: scalar of the wrong shape"

env RBK_PG_URL

let db = sql.connect(env.RBK_PG_URL)

step "An empty result is an empty list" {
  expect db.query("SELECT 1 WHERE false") == []
}

step "Two rows, two columns" {
  db.scalar("SELECT 1 AS a, 2 AS b UNION ALL SELECT 3, 4")
}
