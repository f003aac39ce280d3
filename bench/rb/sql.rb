# bench/rb/sql.rb — the SQL benchmark: n db.scalar("SELECT {i}::int") on one connection
# (anchor: bench/anchors/sql_anchor.c scalar).
runbook "bench: SQL scalar"

env RBK_PG_URL
param n = 10000

let db = sql.connect(env.RBK_PG_URL)

step "scalar loop" {
  let sum = 0
  for i in 1..n {
    sum = sum + db.scalar("SELECT {i}::int")
  }
  log("{sum}")
}
