# `rollback timeout D {`: spaced like a step header, the block glued to the `}` before it
step "Restore" timeout 10m {
  sh("pg_dump app > /tmp/app.sql")
} rollback timeout 30m {
  sh("psql app < /tmp/app.sql")
}

step "Other" timeout 1m {
  log("x")
} rollback timeout 2m {
  log("undo")
}
