# A rollback block's own timeout is shown and caps the rollback's worst case (not the step's).
# mode: plan
# expect: timeout 10m
# expect: rollback (timeout 30m, worst 30m):
# expect: rollback block, worst 30m
runbook "Migrate"

step "Migrate" timeout 10m {
  sh("./migrate up")
} rollback timeout 30m {
  sh("pg_restore --clean -d app /backups/app.dump", timeout: 1h)
}
