# A bind parameter ({x}) or an identifier ({x:ident}) only works in SQL code: inside a string,
# a quoted identifier, dollar quotes or a comment it is refused at the hole, with the fix
# (docs/sql.md "Where a value can stand"). These used to pass check and fail at run time.
env DATABASE_URL
let db = sql.connect(env.DATABASE_URL)
let x = "v"
let t = "orders"
step "queries" {
  db.query("SELECT {x}::text, 'it''s' || {x} || $$a$$ /* c */, {t:ident}.id FROM {t:ident} -- ok\n WHERE a = {x}")
  db.query("SELECT '{x}'")  # expect error: `{x}` is inside an SQL string literal '...': a bind parameter there is only the text $1
  db.query("SELECT * FROM t WHERE name LIKE '%{x}%'")  # expect error: `{x}` is inside an SQL string literal
  db.query("SELECT E'\\'{x}'")  # expect error: `{x}` is inside an SQL string literal
  db.exec("DO $q$ BEGIN RAISE NOTICE '%', {x}; END $q$")  # expect error: `{x}` is inside a dollar-quoted string $$...$$
  db.query("SELECT 1 -- {x}")  # expect error: `{x}` is inside an SQL comment: a bind parameter there is only the text $1
  db.query("SELECT 1 /* {x} */")  # expect error: `{x}` is inside an SQL comment
  db.query("SELECT \"{x}\" FROM t")  # expect error: `{x}` is inside a quoted identifier "...": a bind parameter cannot name a table or column
  db.query("SELECT ${x}")  # expect error: `{x}` comes right after a `$`: $$1 would start a dollar-quoted string
  db.query("SELECT col{x} FROM t")  # expect error: `{x}` touches the name, number or value right before it
  db.query("SELECT {x}0")  # expect error: `{x}` is followed right away by a letter, digit, `_` or `$`
  db.query("SELECT '{t:ident}'")  # expect error: `{t:ident}` is inside an SQL string literal '...', where the quoted identifier would not be escaped
  db.query("SELECT 1 -- {t:ident}")  # expect error: `{t:ident}` is inside an SQL comment, which a newline in the value would end
  db.query("SELECT \"{t:ident}\"")  # expect error: `{t:ident}` is inside a quoted identifier "...", which it would end
  db.query("SELECT '{x:raw}'")
} irreversible "a test of the checker"
# diag:
# | sql_contexts.rb:10:21: error: `{x}` is inside an SQL string literal '...': a bind parameter there is only the text $1
# |    10 |   db.query("SELECT '{x}'")  # expect error: `{x}` is inside an SQL string literal '...': a bind parameter there is only the text $1
# |       |                     ^~~
# |       = hint: write {x} without the quotes: it is sent as a bind parameter (add a cast where the type is unclear, {x}::text; for text around it, 'pre' || {x} || 'post')
