# Values interpolated into a literal query are bind parameters: typed values round-trip,
# nil is NULL, lists and maps travel as JSON, durations as intervals.
# requires: pg
# exit: 0
# expect: int=-42 float=0.1 bool=true null=true
# expect: interval=00:01:30
# expect: json list=[1, "a\"b"] map={"k": "v", "n": nil}
# expect: ident table has 2 rows
# expect: exec updated 2 rows
# not-expect: tok-abc-123
runbook "SQL: bind parameters"

env RBK_PG_URL

let db = sql.connect(env.RBK_PG_URL)

step "Typed bind values" {
  let i = -42
  let f = 0.1
  let b = true
  let n = nil
  let d = 90s
  let l = [1, "a\"b"]
  let m = {k: "v", n: nil}
  let r = db.query("""
    SELECT {i}::int8 AS i, {f}::float8 AS f, {b}::bool AS b, {n}::int IS NULL AS n,
           {d}::interval AS d, {l}::jsonb AS l, {m}::json AS m
  """)[0]
  log("int={r.i} float={r.f} bool={r.b} null={r.n}")
  log("interval={r.d}")
  log("json list={r.l} map={r.m}")
  expect r.i == i and r.f == f and r.b and r.n
}

step "Identifiers are quoted, not bound" {
  let t = "odd \"name\"; DROP TABLE x"
  db.exec("CREATE TEMP TABLE {t:ident} (v int)")
  let added = db.exec("INSERT INTO {t:ident} VALUES (1), (2)")
  expect added == 2
  let count = db.scalar("SELECT count(*) FROM {t:ident}")
  log("ident table has {count} rows")
  let changed = db.exec("UPDATE {t:ident} SET v = v + {added} WHERE v > 0")
  log("exec updated {changed} rows")
} rollback {
  log("nothing to undo: temporary table")
}

step "A secret bind value marks the result" {
  let tok = secret("tok-abc-123")
  let s = db.scalar("SELECT {tok}::text || '-suffix'")
  log("got {s}")
  expect s == "tok-abc-123-suffix"
}
