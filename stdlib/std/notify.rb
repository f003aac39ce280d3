# std/notify — announcements to a chat channel or a webhook (the window opens, the verdict, a
# rollback), written in the language itself over http.post: a Slack incoming webhook and a
# generic JSON webhook. `use "std/notify"` binds `notify`:
#   env SLACK_WEBHOOK_URL secret
#   notify.slack(env.SLACK_WEBHOOK_URL, "Orders cutover: the window opens")
# What every function guarantees (docs/stdlib.md#stdnotify):
# - The URL is a credential (a Slack webhook carries its token in its path): it is registered
#   as a secret, so it shows as *** in every output even if its variable was not declared
#   `env ... secret`. What was sent is shown: a `log` line after each delivery (terminal,
#   report, JSON log).
# - A notification is a write: --dry-run shows the request (`would http.post(***, json: ...)`)
#   and sends nothing; nothing is logged as sent then.
# - A notification that is not delivered (an error status, the server unreachable, the
#   timeout: http.post with check: false) does not fail the step unless required: true: the
#   function logs why and returns {sent: false, status, error}. An interrupt and the step's own
#   timeout still end the call.
# - Usable in a step, in a rollback block and in top-level code (required: true fails the run
#   there, like any error in top-level code).
# Shares its contract with: tests/golden/stdlib/notify_*.rb, docs/stdlib.md.

# What Slack's incoming webhooks answer besides "ok" (https://api.slack.com/messaging/webhooks,
# "Handling errors"), and what the operator should do about it.
fn slack_errors() {
  return {
    invalid_payload: "the message is not JSON Slack accepts",
    no_text: "the message has neither text nor blocks",
    invalid_blocks: "a block is malformed",
    invalid_blocks_format: "blocks must be a list of block objects",
    too_many_attachments: "more than 100 attachments",
    channel_is_archived: "the webhook's channel is archived",
    channel_not_found: "the webhook's channel no longer exists",
    user_not_found: "the webhook's user no longer exists",
    action_prohibited: "an admin restricted posting to the channel",
    posting_to_general_channel_denied: "only admins may post to the channel",
    no_service: "the webhook was removed, disabled or its URL is wrong",
    no_service_id: "the webhook's URL is wrong",
    no_team: "the webhook's URL is wrong or its workspace is gone",
    team_disabled: "the webhook's workspace is disabled",
    invalid_token: "the webhook's token is revoked or invalid",
    rate_limited: "Slack takes about one message per second per webhook",
  }
}

# Why an answer that is not a delivery was not, in words made of known texts only: when the
# webhook's URL is a secret, the answer's body is marked secret too, and a message built from it
# would be shown as *** whole (any other answer is in the http effect's record: the report).
fn answer_problem(what, r) {
  if what != "slack" {
    return "the webhook answered {r.status}"
  }
  let wait = ""
  if r.headers.get("retry-after") != nil {
    wait = " (Retry-After: {r.headers.get("retry-after")})"
  }
  for code, meaning in slack_errors() {
    if trim(r.body) == code {
      return "Slack answered {r.status} {code}: {meaning}{wait}"
    }
  }
  return "Slack answered {r.status}{wait}"
}

# Logs and returns the outcome of a notification: {sent, status, error}. `ok` depends on the
# response, so under --dry-run (nothing was sent) neither branch runs and nothing is claimed.
fn outcome(what, r, ok, shown, required) {
  if ok {
    log("{what}: sent {shown}")
    return {sent: true, status: r.status, error: ""}
  } else {
    let problem = r.error
    if r.status != 0 {
      problem = answer_problem(what, r)
    }
    if required {
      fail "{what}: not delivered — {problem}"
    }
    log("{what}: NOT delivered — {problem}; the run goes on (required: false)")
    return {sent: false, status: r.status, error: problem}
  }
  return {sent: ok, status: r.status, error: r.error}
}

# Posts `text` to a Slack incoming webhook (https://api.slack.com/messaging/webhooks): the
# payload {"text": text}, with "blocks" when `blocks` (a list of Block Kit blocks) is given —
# `text` is then the fallback shown in notifications. Slack answers 200 "ok". Returns
# {sent, status, error}: status 0 when Slack could not be reached, error "" when sent.
fn slack(webhook_url, text, blocks = nil, required = false, timeout = 10s) {
  secret(webhook_url)
  let payload = {text: text}
  let shown = "\"{text}\""
  if blocks != nil {
    payload = {text: text, blocks: blocks}
    shown = "\"{text}\" with {len(blocks)} Block Kit block(s)"
  }
  let r = http.post(webhook_url, json: payload, timeout: timeout, check: false)
  return outcome("slack", r, r.status == 200, shown, required)
}

# Posts `payload` (usually a map) as JSON to a webhook `url`, with `headers` (an Authorization
# header's value should come from an `env ... secret`). Any 2xx answer is a delivery. Returns
# {sent, status, error, body}: body is the answer's body (an incident's id, say).
fn webhook(url, payload, headers = nil, required = false, timeout = 10s) {
  secret(url)
  let r = http.post(url, json: payload, headers: headers, timeout: timeout, check: false)
  let o = outcome("webhook", r, r.status >= 200 and r.status < 300, json.encode(payload), required)
  return {sent: o.sent, status: o.status, error: o.error, body: r.body}
}
