# DELETE / UPDATE without WHERE in SQL literals: a warning.
env DATABASE_URL
let db = sql.connect(env.DATABASE_URL)
step "purge" {
  db.exec("DELETE FROM users")  # expect warning: DELETE without WHERE changes every row of the table
  db.exec("UPDATE users SET active = false")  # expect warning: UPDATE without WHERE changes every row of the table
  db.exec("DELETE FROM users WHERE id = 1")
} rollback {
  log("nothing to undo")
}
