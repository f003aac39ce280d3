# A notification that is not delivered does not fail the step (required: false, the default):
# Slack's documented error answers (archived channel, removed webhook, revoked token, rate
# limit with Retry-After), a server that cannot be reached and one that does not answer in
# time are each logged with the reason and returned as sent=false; the step goes on.
# requires: http
# exit: 0
# expect: log    slack: NOT delivered — Slack answered 410 channel_is_archived: the webhook's channel is archived; the run goes on (required: false)
# expect: log    archived: sent=false status=410
# expect: log    slack: NOT delivered — Slack answered 404 no_service: the webhook was removed, disabled or its URL is wrong
# expect: log    slack: NOT delivered — Slack answered 403 invalid_token: the webhook's token is revoked or invalid
# expect: log    slack: NOT delivered — Slack answered 429 rate_limited: Slack takes about one message per second per webhook (Retry-After: 30)
# expect: log    slack: NOT delivered — Slack answered 500; the run goes on
# expect: log    slack: NOT delivered — POST ***: Failed to connect to 127.0.0.1 port 1
# expect: log    unreachable: sent=false status=0
# expect: log    webhook: NOT delivered — POST ***: timeout (300ms) after
# expect: log    webhook: NOT delivered — the webhook answered 503
# expect: log    the step went on
# expect: [1/1] ok Announce
# not-expect: /slack/services/
runbook "std/notify: not delivered"

env RBK_HTTP_URL

use "std/notify"

let hooks = "{env.RBK_HTTP_URL}/slack/services/T0UNDELIV/B0UNDELIV"

step "Announce" {
  let a = notify.slack("{hooks}/archived", "nobody will read this")
  log("archived: sent={a.sent} status={a.status}")
  notify.slack("{hooks}/removed", "x")
  notify.slack("{hooks}/revoked", "x")
  notify.slack("{hooks}/limited", "x")
  notify.slack("{hooks}/broken", "x")
  let u = notify.slack("http://127.0.0.1:1/services/T/B/k", "x")
  log("unreachable: sent={u.sent} status={u.status}")
  expect not a.sent and not u.sent and u.error contains "Failed to connect"
  notify.webhook("{env.RBK_HTTP_URL}/hang", {text: "x"}, timeout: 300ms)
  let w = notify.webhook("{env.RBK_HTTP_URL}/status/503", {text: "x"})
  expect w.status == 503 and not w.sent
  log("the step went on")
} rollback {
  log("nothing to undo")
}
