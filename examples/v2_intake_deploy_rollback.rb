# The rollback path of v2_intake_deploy.rb, rehearsed with --fail-at: the auth verification after
# enabling V2 fails on purpose, and the rollback blocks run in reverse — the quick rollback of §9
# (kill switch off, V2 404 again, V1 healthy), the full code revert, the migration rollback SQL
# (v2_intake_sessions dropped, its _prisma_migrations rows deleted), and the stakeholders told.
# It runs in compressed time (--time-scale 15m=1s): §5's 15-minute wait for V1 regressions is
# the real runbook's, nothing turned into a parameter, and takes a second.
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
# args: --yes --time-scale 15m=1s --param rehearsal=true --param base_url=${RBK_HTTP_URL}
# args: --param health_path=/healthz --param liveness_path=/healthz --param version_path=/json
# args: --param v2_health_path=/healthz --param v2_schema_path=/json --param v2_disabled_paths=/v2/disabled,/v2/disabled/health
# args: --param sessions_path=/auth --param complete_path=/echo --param calibration_path=/auth
# args: --param metrics_path=/metrics --param backup_root=/tmp
# args: --answer previous_commit=1f2e3d4
# args: --inventory inventory/rehearsal.ini --ssh-config ${RBK_SSH_CONFIG} --param app_dir=/tmp
# args: --fail-at 'Verify V2 active and auth enforced'
# exit: 1
# expect: REHEARSAL: time scaled 1/900
# expect: [12/17] FAILED Verify V2 active and auth enforced
# expect: rollback ok Enable V2 Intake
# expect: rollback ok Deploy application
# expect: rollback ok Run migration
# expect: rollback ok Rehearsal: create the production tables
# expect: log    slack: sent "V2 Intake production deployment: rolled back, V1 unaffected — incident report to follow"
# expect: rollback ok Pre-flight: sign-offs
# expect: == NO-GO: "Verify V2 active and auth enforced" failed; rollback completed
# not-expect: Rehearsal: clean up (
# not-expect: rehearsal-jwt-secret-0123456789abcdef
# not-expect: hook-key-v2i9
