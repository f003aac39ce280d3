# The dry run of v2_intake_deploy.rb: the pre-flight checks (read_only commands) and every
# health, 404 and metrics check run for real; the migration's and the auth checks after the
# skipped writes are unverified.
# This file holds only the annotations: `# file:` runs v2_intake_deploy.rb.
# file: v2_intake_deploy.rb
# requires: http, pg, fleet
# env: DATABASE_URL=${RBK_PG_DEMO_URL}
# env: JWT_SECRET=rehearsal-jwt-secret-0123456789abcdef
# env: ENCRYPTION_KEY=rehearsal-encryption-key
# env: VAULT_ADDR=${RBK_HTTP_URL}/vault
# env: VAULT_TOKEN=fixture-root-token
# env: VAULT_NAMESPACE=
# env: NODE_ENV=production
# env: ENABLE_V2_INTAKE=false
# env: ENABLE_V2_INTAKE_AUTH=true
# env: V1_STABLE=true
# env: ZERO_OPENAI_MODE=true
# env: AI_PROVIDER=rules
# env: SLACK_WEBHOOK_URL=${RBK_HTTP_URL}/slack/services/T0V2/B0V2/hook-key-v2i9
# args: --dry-run
# args: --yes --no-wait --param rehearsal=true --param base_url=${RBK_HTTP_URL}
# args: --param health_path=/healthz --param liveness_path=/healthz --param version_path=/json
# args: --param v2_health_path=/healthz --param v2_schema_path=/json --param v2_disabled_paths=/v2/disabled,/v2/disabled/health
# args: --param sessions_path=/auth --param complete_path=/echo --param calibration_path=/auth
# args: --param metrics_path=/metrics --param backup_root=/tmp
# args: --answer previous_commit=1f2e3d4
# args: --inventory inventory/rehearsal.ini --ssh-config ${RBK_SSH_CONFIG} --param app_dir=/tmp
# exit: 0
# expect: V2 Intake — production deployment (17 steps) — DRY RUN: writes are shown, not done
# expect: ok     expect smoke.stdout contains "57/57"
# expect: ok     expect len(pending) == 1 and pending[0][1] == "v2_intake_sessions"
# expect: unverified expect pg.table_exists(db, "v2_intake_sessions")
# expect: would sh("true", timeout: 15m, cwd: "/tmp", env: {"APP": "careconnect-backend"}) on h1, h2
# expect: ok     expect http.get("{base_url}{v2_disabled_paths[0]}").status == 404
# expect: unverified expect authed.status == 201
# expect: == GO: 17 ok, 0 skipped — dry run: 43 checks verified, 11 unverified, 0 already fail
# not-expect: rehearsal-jwt-secret-0123456789abcdef
# not-expect: rehearsal-bearer-token
# not-expect: hook-key-v2i9
