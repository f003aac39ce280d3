# DELETE / UPDATE without WHERE in SQL literals: a warning. Statements are read as PostgreSQL
# reads them (compiler/holes.c): a `;` or a WHERE inside a string, a comment or a subquery
# neither ends a statement nor counts as its WHERE.
env DATABASE_URL
let db = sql.connect(env.DATABASE_URL)
let id = 1
step "purge" {
  db.exec("DELETE FROM users")  # expect warning: DELETE without WHERE changes every row of the table
  db.exec("UPDATE users SET active = false")  # expect warning: UPDATE without WHERE changes every row of the table
  db.exec("DELETE FROM users WHERE id = 1")
  db.exec("delete from users where id = {id}")
  db.exec("UPDATE users SET note = 'a;b' WHERE id = 1")
  db.query("SELECT ';DELETE FROM users', $$;UPDATE users SET a = 1$$ /* ; delete from users */")
  db.exec("DELETE FROM users -- where is the filter?")  # expect warning: DELETE without WHERE changes every row of the table
  db.exec("/* purge */ DELETE FROM users")  # expect warning: DELETE without WHERE changes every row of the table
  db.exec("UPDATE users SET a = (SELECT b FROM u WHERE u.id = users.id)")  # expect warning: UPDATE without WHERE changes every row of the table
  db.exec("WITH old AS (SELECT id FROM users WHERE age > 9) DELETE FROM users")  # expect warning: DELETE without WHERE changes every row of the table
  db.exec("WITH old AS (SELECT id FROM users WHERE age > 9) DELETE FROM users WHERE id IN (SELECT id FROM old)")
  db.exec("UPDATE users SET a = '' WHERE id = {id}")
  db.query("WITH gone AS (DELETE FROM users RETURNING id) SELECT count(*) FROM gone")  # expect warning: DELETE without WHERE changes every row of the table
} rollback {
  log("nothing to undo")
}
