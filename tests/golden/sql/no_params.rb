# The statements check lets a bind parameter stand in (check/sql_no_params.rb) really take one
# in PostgreSQL, and the spellings its hints give for the statements that take none work:
# set_config / current_setting for SET and SHOW, pg_notify for NOTIFY, {x:ident} for names,
# format('%L') for a value in a utility statement.
# requires: pg
# exit: 0
# expect: ctas: it's
# expect: select into: it's
# expect: call: it's
# expect: cursor: it's
# expect: explain: Result
# expect: merge: 1
# expect: with insert: 1
# expect: search_path: "odd schema", public
# expect: show: "odd schema", public
# expect: comment: it's a 'quoted' comment
# expect: role: rbk_pw
# not-expect: SQLSTATE
runbook "SQL: which statements take bind parameters"

env RBK_PG_URL

let db = sql.connect(env.RBK_PG_URL)
let v = "it's"

step "Statements that take parameters" {
  db.exec("CREATE TEMP TABLE np_ctas AS SELECT {v}::text AS a")
  log("ctas: {db.scalar("SELECT a FROM np_ctas")}")
  db.exec("SELECT {v}::text AS a INTO TEMP np_into")
  log("select into: {db.scalar("SELECT a FROM np_into")}")
  db.exec("CREATE PROCEDURE pg_temp.np_proc(x text) LANGUAGE sql AS $$ INSERT INTO np_ctas VALUES (x) $$")
  db.exec("CALL pg_temp.np_proc({v} || '!')")
  log("call: {db.scalar("SELECT rtrim(a, '!') FROM np_ctas WHERE a LIKE '%!'")}")
  db.exec("DECLARE np_cur CURSOR WITH HOLD FOR SELECT {v}::text AS a")
  log("cursor: {db.scalar("FETCH np_cur")}")
  db.exec("CLOSE np_cur")
  let plan = db.query("EXPLAIN SELECT {v}::text")
  log("explain: {plan[0]["QUERY PLAN"]}")
  expect db.exec("MERGE INTO np_ctas USING (SELECT {v}::text || '?' AS x) s ON np_ctas.a = s.x WHEN NOT MATCHED THEN INSERT VALUES (s.x)") == 1
  log("merge: {db.scalar("SELECT count(*) FROM np_ctas WHERE a LIKE '%?'")}")
  expect db.exec("WITH s AS (SELECT {v}::text || '#' AS x) INSERT INTO np_ctas SELECT x FROM s") == 1
  log("with insert: {db.scalar("SELECT count(*) FROM np_ctas WHERE a LIKE '%#'")}")
  expect db.exec("EXPLAIN ANALYZE UPDATE np_ctas SET a = {v} WHERE false") >= 0
} irreversible "temporary tables of this session"

step "The hints' spellings" {
  let schema = "odd schema"
  db.exec("CREATE SCHEMA IF NOT EXISTS {schema:ident}")
  db.exec("SELECT set_config('search_path', {db.scalar("SELECT quote_ident({schema}) || ', public'")}, false)")
  log("search_path: {db.scalar("SELECT current_setting('search_path')")}")
  let name = "search_path"
  log("show: {db.scalar("SELECT current_setting({name})")}")
  db.exec("RESET {name:ident}")
  db.exec("LISTEN {name:ident}")
  db.exec("SELECT pg_notify({name}, {v})")
  db.exec("UNLISTEN {name:ident}")
  let note = "it's a 'quoted' comment"
  db.exec("CREATE TEMP TABLE np_commented (a int)")
  let stmt = db.scalar("SELECT format('COMMENT ON TABLE np_commented IS %L', {note}::text)")
  db.exec(stmt)  # the statement the server quoted
  log("comment: {db.scalar("SELECT obj_description('np_commented'::regclass)")}")
  let role = "rbk_pw"
  db.exec("SET ROLE {role:ident}")
  log("role: {db.scalar("SELECT current_user")}")
  db.exec("RESET ROLE")
  db.exec("DROP SCHEMA {schema:ident}")
} irreversible "session settings and an empty schema, dropped again"
