# The dry run of cutover_staging_to_prod.rb: the env guardrails, the readiness suite
# (read_only), the endpoints and the monitoring window run for real; the backup's, the
# migrations' and the storage migration's checks are unverified.
# This file holds only the annotations: `# file:` runs cutover_staging_to_prod.rb.
# file: cutover_staging_to_prod.rb
# requires: http, pg
# env: DATABASE_URL=${RBK_PG_DEMO_URL}
# env: JWT_SECRET=rehearsal-jwt-secret-0123456789abcdef
# env: STRIPE_SECRET_KEY=sk_live_rehearsal0000000000
# env: STRIPE_WEBHOOK_SECRET=whsec_rehearsal0000000000
# env: ADMIN_TOKEN=rehearsal-admin-token
# env: RATE_LIMIT_REDIS_URL=redis://127.0.0.1:6379
# env: OBJECT_STORAGE_PROVIDER=s3
# env: OBJECT_STORAGE_S3_BUCKET=rehearsal-bucket
# args: --dry-run
# args: --yes --no-wait --param rehearsal=true --param rc_sha=0123abcd --param backup_root=/tmp
# args: --param prod_base_url=${RBK_HTTP_URL} --param staging_base_url=${RBK_HTTP_URL}
# args: --param payments_health_path=/readyz --param login_path=/auth --param sensitive_path=/auth
# args: --param attachment_path=/redirect/1 --param kpis_path=/auth --param ai_metrics_path=/auth
# args: --answer ci_run=https://ci.example.invalid/runs/4711 --answer owner=release-captain
# exit: 0
# expect: Cutover: staging → production (15 steps) — DRY RUN: writes are shown, not done
# expect: unverified expect out.stdout contains "No pending migrations"
# expect: ok     expect env.OBJECT_STORAGE_PROVIDER == "s3"
# expect: ok     expect http.get("{prod_base_url}/metrics").json.error_rate < max_error_rate
# expect: == GO: 15 ok, 0 skipped — dry run: 31 checks verified, 11 unverified, 0 already fail
# not-expect: rehearsal-jwt-secret-0123456789abcdef
# not-expect: whsec_rehearsal0000000000
# not-expect: rehearsal-admin-token
