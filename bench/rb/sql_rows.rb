# bench/rb/sql_rows.rb — peak RSS of one db.query of n rows (anchor: bench/anchors/sql_anchor.c rows).
runbook "bench: SQL rows"

env RBK_PG_URL
param n = 100000

let db = sql.connect(env.RBK_PG_URL)

step "big query" {
  let rows = db.query("""
    SELECT g AS id, 'name-' || g AS name, g * 0.5 AS score, g % 2 = 0 AS even
    FROM generate_series(1, {n}) AS g
  """)
  log("{len(rows)} rows")
  expect len(rows) == n
}
