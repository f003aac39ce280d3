# std/pg's schema checks against the test database: tables (plain and schema-qualified), columns,
# indexes, constraints and row counts; names are matched exactly (quoted, not case folded), and a
# hostile name is only ever a name.
# requires: pg
# exit: 0
# expect: table: true false false true
# expect: column: true false false
# expect: index: true false
# expect: constraint: true true false
# expect: rows: 3 2 0
# expect: hostile: false
# expect: dropped: false
runbook "std/pg: schema checks"

env RBK_PG_URL

use "std/pg"

let db = sql.connect(env.RBK_PG_URL)

step "Create the fixture tables" {
  db.exec("DROP SCHEMA IF EXISTS rbk_std_pg CASCADE")
  db.exec("CREATE SCHEMA rbk_std_pg")
  db.exec("""
    CREATE TABLE rbk_std_pg.orders (
      id int PRIMARY KEY,
      total numeric NOT NULL CONSTRAINT total_positive CHECK (total > 0)
    )
  """)
  db.exec("CREATE INDEX orders_total_idx ON rbk_std_pg.orders (total)")
  db.exec("INSERT INTO rbk_std_pg.orders VALUES (1, 10), (2, 20), (3, 30)")
  db.exec("""CREATE TABLE rbk_std_pg."Mixed Case" (v int)""")
  db.exec("""INSERT INTO rbk_std_pg."Mixed Case" VALUES (1), (2)""")
  db.exec("CREATE TABLE rbk_std_pg.empty (v int)")
} rollback {
  db.exec("DROP SCHEMA IF EXISTS rbk_std_pg CASCADE")
}

step "Check them" {
  let t1 = pg.table_exists(db, "rbk_std_pg.orders")
  let t2 = pg.table_exists(db, "rbk_std_pg.missing")
  let t3 = pg.table_exists(db, "rbk_std_pg.mixed case")
  let t4 = pg.table_exists(db, "rbk_std_pg.Mixed Case")
  log("table: {t1} {t2} {t3} {t4}")
  expect t1 and not t2 and not t3 and t4
  let c1 = pg.column_exists(db, "rbk_std_pg.orders", "total")
  let c2 = pg.column_exists(db, "rbk_std_pg.orders", "TOTAL")
  let c3 = pg.column_exists(db, "rbk_std_pg.missing", "total")
  log("column: {c1} {c2} {c3}")
  expect c1 and not c2 and not c3
  let i1 = pg.index_exists(db, "rbk_std_pg.orders_total_idx")
  let i2 = pg.index_exists(db, "rbk_std_pg.orders")
  log("index: {i1} {i2}")
  expect i1 and not i2
  let k1 = pg.constraint_exists(db, "rbk_std_pg.orders", "total_positive")
  let k2 = pg.constraint_exists(db, "rbk_std_pg.orders", "orders_pkey")
  let k3 = pg.constraint_exists(db, "rbk_std_pg.orders", "nope")
  log("constraint: {k1} {k2} {k3}")
  expect k1 and k2 and not k3
  let n1 = pg.row_count(db, "rbk_std_pg.orders")
  let n2 = pg.row_count(db, "rbk_std_pg.Mixed Case")
  let n3 = pg.row_count(db, "rbk_std_pg.empty")
  log("rows: {n1} {n2} {n3}")
  expect n1 == 3 and n2 == 2 and n3 == 0
  let h = pg.table_exists(db, "x'; DROP SCHEMA rbk_std_pg CASCADE; --")
  log("hostile: {h}")
  expect pg.table_exists(db, "rbk_std_pg.orders")
}

step "Drop the fixture tables" {
  db.exec("DROP SCHEMA rbk_std_pg CASCADE")
  log("dropped: {pg.table_exists(db, "rbk_std_pg.orders")}")
} rollback {
  log("nothing to undo")
}
