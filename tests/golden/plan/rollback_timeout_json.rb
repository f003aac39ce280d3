# A rollback block's own timeout is in the JSON plan.
# mode: plan
# args: --format json
# expect: "rollback_timeout_ms": 1800000
runbook "Migrate"

step "Migrate" timeout 10m {
  sh("./migrate up")
} rollback timeout 30m {
  sh("pg_restore --clean -d app /backups/app.dump", timeout: 1h)
}
