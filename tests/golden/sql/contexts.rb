# A value is a bind parameter only in SQL code; the checker refuses it inside strings,
# quoted identifiers, dollar quotes and comments (check/sql_contexts.rb). Here: the safe
# spellings its hints give work, and code that follows each of those constructs still binds
# (the tracker finds where each one ends: '' and E'\'' escapes, nested comments, $tag$).
# requires: pg
# exit: 0
# expect: like: 2 rows
# expect: do block saw: hello
# expect: after constructs: it's|v|a'b| $$ a'b|vok
# not-expect: SQLSTATE
runbook "SQL: where a value can stand"

env RBK_PG_URL

let db = sql.connect(env.RBK_PG_URL)

step "Hint spellings" {
  let x = "ab"
  let n = db.scalar("SELECT count(*) FROM (VALUES ('xaby'), ('ab'), ('b')) v(s) WHERE s LIKE '%' || {x} || '%'")
  log("like: {n} rows")
  expect n == 2
  let msg = "hello"
  db.exec("SELECT set_config('rbk.msg', {msg}, false)")
  db.exec("DO $$ BEGIN PERFORM set_config('rbk.seen', current_setting('rbk.msg'), false); END $$")
  log("do block saw: {db.scalar("SELECT current_setting('rbk.seen')")}")
}

step "Values after strings, identifiers, dollar quotes and comments" {
  let v = "v"
  let q = "a'b"
  let t = "odd \"t\""
  let r = db.scalar("""
    SELECT 'it''s' || '|' || {v}::text || '|' || E'a\\'b' || '|' || $q$ $$ $q$ || {q}::text /* a /* nested */ comment */
      -- a comment with 'quotes' and "names"
      || '|' || (SELECT "x""y" FROM (SELECT {v}::text AS "x""y") s) || {"ok"}::text
  """)
  log("after constructs: {r}")
  db.exec("CREATE TEMP TABLE {t:ident} (v text)")
  expect db.exec("INSERT INTO {t:ident} VALUES ({q}) -- {t:raw}") == 1
}
