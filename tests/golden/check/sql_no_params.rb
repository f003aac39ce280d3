# A value ({x}) is a bind parameter, and PostgreSQL takes bind parameters only in SELECT,
# INSERT, UPDATE, DELETE, MERGE, VALUES, TABLE, WITH, CALL, DECLARE, CREATE TABLE ... AS and
# EXPLAIN of those: in a utility statement (SET, CREATE, ALTER, GRANT, COPY, ...) the $1 fails
# at run time (sql/no_params.rb shows both sides against PostgreSQL). Check refuses it at the
# hole, with the fix. These used to pass check.
env DATABASE_URL
let db = sql.connect(env.DATABASE_URL)
let x = "v"
let t = "orders"
step "statements that take parameters" {
  db.query("SELECT {x}::text")
  db.query("(SELECT {x}::text) UNION (SELECT 'b')")
  db.query("VALUES ({x})")
  db.query("/* a comment first */ -- and another\n SELECT {x}")
  db.query("WITH a AS (SELECT {x}::text AS v) SELECT v FROM a")
  db.exec("INSERT INTO {t:ident} VALUES ({x})")
  db.exec("UPDATE {t:ident} SET a = {x} WHERE id = 1")
  db.exec("DELETE FROM {t:ident} WHERE a = {x}")
  db.exec("MERGE INTO {t:ident} USING (SELECT {x}::text AS v) s ON false WHEN NOT MATCHED THEN INSERT VALUES (s.v)")
  db.exec("CALL archive({x})")
  db.exec("DECLARE c CURSOR WITH HOLD FOR SELECT {x}")
  db.exec("CREATE TEMP TABLE copy AS SELECT {x}::text AS a")
  db.exec("CREATE TABLE t2 (a, b) WITH (fillfactor = 70) AS SELECT {x}::text, 2")
  db.exec("SELECT {x}::text AS a INTO TEMP t3")
  db.query("EXPLAIN SELECT {x}")
  db.query("EXPLAIN ANALYZE VERBOSE UPDATE {t:ident} SET a = {x} WHERE false")
  db.query("EXPLAIN (ANALYZE, FORMAT JSON) SELECT {x}")
  db.exec("SELECT set_config('search_path', {x}, false)")
  db.exec("SET search_path = {x:ident}")
  db.exec("CREATE TABLE {t:ident} (a text DEFAULT {x:raw})")
  db.exec("{t:raw} {x}")
} irreversible "a test of the checker"

step "utility statements" {
  db.exec("SET search_path = {x}")  # expect error: `{x}` is in a SET statement, which takes no bind parameters: PostgreSQL would reject the $1 at run time
  db.exec("SET LOCAL statement_timeout TO {x}")  # expect error: `{x}` is in a SET statement
  db.query("SHOW {x}")  # expect error: `{x}` is in a SHOW statement
  db.exec("RESET {x}")  # expect error: `{x}` is in a RESET statement
  db.exec("CREATE TABLE t (a text DEFAULT {x})")  # expect error: `{x}` is in a CREATE statement
  db.exec("CREATE VIEW v AS SELECT {x}::text AS a")  # expect error: `{x}` is in a CREATE statement
  db.exec("CREATE MATERIALIZED VIEW m AS SELECT {x}::text AS a")  # expect error: `{x}` is in CREATE MATERIALIZED VIEW, which PostgreSQL refuses to define with bind parameters
  db.exec("CREATE TABLE t AS EXECUTE p({x})")  # expect error: `{x}` is in an EXECUTE statement
  db.exec("CREATE INDEX ON {t:ident} ((a || {x}))")  # expect error: `{x}` is in a CREATE statement
  db.exec("ALTER TABLE {t:ident} ALTER COLUMN a SET DEFAULT {x}")  # expect error: `{x}` is in an ALTER statement
  db.exec("DROP TABLE {x}")  # expect error: `{x}` is in a DROP statement
  db.exec("GRANT SELECT ON {t:ident} TO {x}")  # expect error: `{x}` is in a GRANT statement
  db.exec("REVOKE SELECT ON {t:ident} FROM {x}")  # expect error: `{x}` is in a REVOKE statement
  db.exec("COPY {t:ident} TO {x}")  # expect error: `{x}` is in a COPY statement
  db.exec("COPY (SELECT {x}) TO STDOUT")  # expect error: `{x}` is in a COPY statement
  db.exec("VACUUM {x}")  # expect error: `{x}` is in a VACUUM statement
  db.exec("LISTEN {x}")  # expect error: `{x}` is in a LISTEN statement
  db.exec("NOTIFY jobs, {x}")  # expect error: `{x}` is in a NOTIFY statement
  db.exec("COMMENT ON TABLE {t:ident} IS {x}")  # expect error: `{x}` is in a COMMENT statement
  db.exec("PREPARE p AS SELECT {x}")  # expect error: `{x}` is in a PREPARE statement
  db.query("EXPLAIN EXECUTE p({x})")  # expect error: `{x}` is in an EXECUTE statement
  db.exec("create role r password {x}")  # expect error: `{x}` is in a CREATE statement
  db.exec("(SELECT 1); SET search_path = {x}")  # expect error: `{x}` is in a SET statement
} irreversible "a test of the checker"
# diag:
# | sql_no_params.rb:35:30: error: `{x}` is in a SET statement, which takes no bind parameters: PostgreSQL would reject the $1 at run time
# |    35 |   db.exec("SET search_path = {x}")  # expect error: `{x}` is in a SET statement, which takes no bind parameters: PostgreSQL would reject the $1 at run time
# |       |                              ^~~
# |       = hint: for a setting's value: SELECT set_config('name', {x}, false) (true for SET LOCAL); for a name (SET ROLE): {x:ident}
