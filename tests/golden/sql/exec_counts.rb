# exec returns the number of affected rows; query on a statement without rows returns [].
# requires: pg
# exit: 0
# expect: inserted=3 updated=2 deleted=1 ddl=0
# expect: returning=[{"id": 1}, {"id": 2}]
runbook "SQL: affected rows"

env RBK_PG_URL

let db = sql.connect(env.RBK_PG_URL)

step "Counts" {
  let ddl = db.exec("CREATE TEMP TABLE cnt (id int)")
  let inserted = db.exec("INSERT INTO cnt SELECT generate_series(1, 3)")
  let updated = db.exec("UPDATE cnt SET id = id + 10 WHERE id > 1")
  let deleted = db.exec("DELETE FROM cnt WHERE id = 1")
  log("inserted={inserted} updated={updated} deleted={deleted} ddl={ddl}")
  let ret = db.query("INSERT INTO cnt VALUES (1), (2) RETURNING id")
  log("returning={ret}")
  expect db.query("DELETE FROM cnt WHERE false") == []
} rollback {
  db.exec("DROP TABLE IF EXISTS cnt")
}
