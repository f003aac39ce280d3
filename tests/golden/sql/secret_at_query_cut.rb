# A failed query is quoted in the error, cut after 200 characters: masked whole first, so a
# secret across the cut shows no prefix.
# requires: pg
# env: SQL_TOKEN=Hn6pX2kWq9Jd-query-cut-token
# exit: 1
# expect: error: sql.scalar: SQLSTATE 22012: division by zero
# expect: query: select 1/0 -- xxxxxxxxxx
# not-expect: Hn6pX2
runbook "SQL: a secret across the quoted query's cut"

env RBK_PG_URL
env SQL_TOKEN secret

let db = sql.connect(env.RBK_PG_URL)
let pad = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

step "Divide by zero, the token in a comment at character 194" {
  db.scalar("select 1/0 -- {pad:raw}{env.SQL_TOKEN:raw}")
}
