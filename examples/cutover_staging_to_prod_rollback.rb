# The rollback path of cutover_staging_to_prod.rb, rehearsed with --fail-at: the monitoring step
# fails on purpose after the feature flags are on, and the rollback blocks run in reverse —
# digest mode back to immediate and the worker stopped, attestation enforcement off, storage
# keys cleared, the previous build redeployed, the database restored from the pre-cutover backup.
# It runs in compressed time (--time-scale 15m=1s): the 15-minute monitoring window and the
# health polls are the real runbook's, nothing turned into a parameter, and take a second.
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
# args: --yes --time-scale 15m=1s --param rehearsal=true --param rc_sha=0123abcd --param backup_root=/tmp
# args: --param prod_base_url=${RBK_HTTP_URL} --param staging_base_url=${RBK_HTTP_URL}
# args: --param payments_health_path=/readyz --param login_path=/auth --param sensitive_path=/auth
# args: --param attachment_path=/redirect/1 --param kpis_path=/auth --param ai_metrics_path=/auth
# args: --answer ci_run=https://ci.example.invalid/runs/4711 --answer owner=release-captain
# args: --fail-at 'Monitoring checks'
# exit: 1
# expect: REHEARSAL: time scaled 1/900
# expect: FAILED Monitoring checks
# expect: rollback ok 6b) Job match digest mode
# expect: rollback ok 6a) Attestation enforcement
# expect: rollback ok Legacy uploads to object storage
# expect: rollback ok Deploy the RC build
# expect: database restored from
# expect: == NO-GO: "Monitoring checks" failed; rollback completed
# not-expect: rehearsal-jwt-secret-0123456789abcdef
# not-expect: whsec_rehearsal0000000000
