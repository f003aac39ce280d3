# std/pg backup and restore round trip through pg_dump and psql: a backup of one table, rows
# changed afterwards, restore brings the table back to its state at backup time. A truncated
# dump is refused before psql runs.
# requires: pg
# exit: 0
# expect: before backup: 3 rows, sum 60
# expect: backup complete: true
# expect: after the damage: 1 rows, sum 999
# expect: after restore: 3 rows, sum 60
# expect: truncated dump complete: false
# expect: the backup file's hash is unchanged: true
runbook "std/pg: backup and restore"

env RBK_PG_URL

use "std/pg"

let db = sql.connect(env.RBK_PG_URL)
let dir = trim(sh("mktemp -d").stdout)
let dump = "{dir}/orders.sql"
let hash = ""

fn summary(db) {
  let r = db.query("SELECT count(*) AS n, coalesce(sum(total), 0)::int AS s FROM rbk_std_backup")[0]
  return "{r.n} rows, sum {r.s}"
}

step "Create the table" {
  db.exec("DROP TABLE IF EXISTS rbk_std_backup")
  db.exec("CREATE TABLE rbk_std_backup (id int PRIMARY KEY, total int NOT NULL)")
  db.exec("INSERT INTO rbk_std_backup VALUES (1, 10), (2, 20), (3, 30)")
  log("before backup: {summary(db)}")
} rollback {
  db.exec("DROP TABLE IF EXISTS rbk_std_backup")
}

step "Back it up" {
  let b = pg.backup(env.RBK_PG_URL, dump, tables: ["rbk_std_backup"], timeout: 1m)
  expect b.bytes > 0 and b.file == dump
  hash = b.sha256
  log("backup complete: {pg.is_complete_dump(dump)}")
} rollback {
  sh("rm -f {dump}")
}

step "Damage it" {
  db.exec("DELETE FROM rbk_std_backup WHERE id > 1")
  db.exec("UPDATE rbk_std_backup SET total = 999 WHERE id = 1")
  log("after the damage: {summary(db)}")
} rollback {
  log("restored by the next step")
}

step "Restore it" {
  expect pg.restore(env.RBK_PG_URL, dump, timeout: 1m)
  log("after restore: {summary(db)}")
  expect summary(db) == "3 rows, sum 60"
} rollback {
  log("nothing to undo")
}

step "A truncated dump is not complete" {
  let text = file.read(dump)
  file.write("{dir}/truncated.sql", replace(text, "-- PostgreSQL database dump complete", ""))
  log("truncated dump complete: {pg.is_complete_dump("{dir}/truncated.sql")}")
  log("the backup file's hash is unchanged: {file.sha256(dump) == hash}")
} rollback {
  log("nothing to undo")
}

step "Clean up" {
  db.exec("DROP TABLE rbk_std_backup")
  sh("rm -rf {dir}")
} irreversible "drops the test table and its backup"
