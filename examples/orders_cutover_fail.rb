# The failure path of orders_cutover.rb: the same runbook, run with an error budget the service
# cannot meet (its /metrics reports error_rate 0.001). The observation window's guard fails, and
# the rollback undoes the completed steps in reverse order: the deploy, the migration (orders_v2
# dropped, its _prisma_migrations row deleted), the backup kept, the channel told the cutover was
# rolled back, the rehearsal tables dropped.
# It is a rehearsal in compressed time (--time-scale 15m=1s): the waits and windows are the real
# runbook's, a 15-minute observation window takes a second.
# This file holds only the annotations: `# file:` runs orders_cutover.rb.
# file: orders_cutover.rb
# requires: http, pg
# env: DATABASE_URL=${RBK_PG_DEMO_URL}
# env: JWT_SECRET=rehearsal-jwt-secret-0123456789abcdef
# env: NODE_ENV=production
# env: ENABLE_V2=false
# env: SLACK_WEBHOOK_URL=${RBK_HTTP_URL}/slack/services/T0ORDERS/B0ORDERS/hook-key-7f3a
# args: --time-scale 15m=1s --param rehearsal=true --param base_url=${RBK_HTTP_URL} --param rc_sha=abc1234
# args: --param max_error_rate=0.0001
# exit: 1
# expect: REHEARSAL: time scaled 1/900
# expect: [9/11] Observe
# expect: FAILED expect http.get("{base_url}/metrics").json.error_rate < max_error_rate
# expect: [9/11] FAILED Observe
# expect: rollback ok Deploy the release candidate
# expect: rollback ok Apply migrations
# expect: rollback none Back up the database: nothing to undo (an empty rollback block)
# expect: rollback Announce the window
# expect: log    slack: sent "Orders v2 cutover abc1234: NO-GO, rolled back"
# expect: rollback ok Rehearsal: create the production tables
# expect: == NO-GO: "Observe" failed; rollback completed
# not-expect: Rehearsal: clean up (
# not-expect: rehearsal-jwt-secret-0123456789abcdef
# not-expect: hook-key-7f3a
# not-expect: slack: sent "Orders v2 cutover abc1234: GO"
