# One statement per call: queries go through the extended protocol, so a second statement —
# whether written or smuggled in through {x:raw} — is refused by the server.
# requires: pg
# exit: 1
# expect: SQLSTATE 42601: cannot insert multiple commands into a prepared statement
# expect: query: SELECT 1; DROP TABLE IF EXISTS never_created
runbook "SQL: a second statement is refused"

env RBK_PG_URL

let db = sql.connect(env.RBK_PG_URL)

step "Smuggled statement" {
  let tail = "; DROP TABLE IF EXISTS never_created"
  db.scalar("SELECT 1{tail:raw}")
}
