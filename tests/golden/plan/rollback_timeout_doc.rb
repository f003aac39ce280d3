# A rollback block's own timeout is shown in the document.
# mode: doc
# expect: Timeout 10m for each attempt
# expect: If this fails, roll back (timeout 30m):
runbook "Migrate"

step "Migrate" timeout 10m {
  sh("./migrate up")
} rollback timeout 30m {
  sh("pg_restore --clean -d app /backups/app.dump", timeout: 1h)
}
