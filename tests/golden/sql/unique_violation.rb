# The server's detail line is part of the message.
# requires: pg
# exit: 1
# expect: SQLSTATE 23505: duplicate key value violates unique constraint "uq_rbk_pkey"
# expect: detail: Key (id)=(1) already exists.
runbook "SQL: unique violation"

env RBK_PG_URL

let db = sql.connect(env.RBK_PG_URL)

step "Insert twice" {
  db.exec("CREATE TEMP TABLE uq_rbk (id int PRIMARY KEY)")
  db.exec("INSERT INTO uq_rbk VALUES (1)")
  db.exec("INSERT INTO uq_rbk VALUES (1)")
} rollback {
  db.exec("DROP TABLE IF EXISTS uq_rbk")
}
