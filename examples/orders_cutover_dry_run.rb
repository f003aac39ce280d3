# The dry run of orders_cutover.rb, the evening before: the environment, the database version,
# the health checks and the error budget are verified against the services; the backup's and the
# migration's checks are unverified, each naming the skipped write it may depend on; the Slack
# announcements are shown, not sent.
# This file holds only the annotations: `# file:` runs orders_cutover.rb.
# file: orders_cutover.rb
# requires: http, pg
# env: DATABASE_URL=${RBK_PG_DEMO_URL}
# env: JWT_SECRET=rehearsal-jwt-secret-0123456789abcdef
# env: NODE_ENV=production
# env: ENABLE_V2=false
# env: SLACK_WEBHOOK_URL=${RBK_HTTP_URL}/slack/services/T0ORDERS/B0ORDERS/hook-key-7f3a
# args: --dry-run
# args: --no-wait --param rehearsal=true --param base_url=${RBK_HTTP_URL} --param rc_sha=abc1234
# exit: 0
# expect: Orders service v2 cutover (11 steps) — DRY RUN: writes are shown, not done
# expect: ok     expect env.NODE_ENV == "production"
# expect: would http.post("***", json: {"text": "Orders v2 cutover abc1234: the window opens"}
# expect: unverified expect file.size(backup_file) > 0
# expect: ok     expect http.get("{base_url}/metrics").json.error_rate < max_error_rate
# expect: == GO: 11 ok, 0 skipped — dry run: 7 checks verified, 9 unverified, 0 already fail
# not-expect: rehearsal-jwt-secret-0123456789abcdef
# not-expect: hook-key-7f3a
