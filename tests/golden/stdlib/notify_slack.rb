# std/notify's slack() posts Slack's incoming-webhook JSON to the fixture's webhook, which
# records what it accepted: the text, then text with blocks. The webhook URL is masked in every
# line (also --verbose's request lines) whether or not its variable was declared secret; the
# text sent is shown in a log line; the result says it was sent.
# requires: http
# env: SLACK_WEBHOOK_URL=${RBK_HTTP_URL}/slack/services/T0GOLDEN/B0GOLDEN/declared-hook-key
# args: --verbose
# exit: 0
# expect: http   POST ***
# expect: -> ok (code 200,
# expect: log    slack: sent "Orders cutover: the window opens"
# expect: log    result: sent=true status=200 error=""
# expect: log    slack: sent "Orders cutover: GO" with 2 Block Kit block(s)
# expect: log    the webhook received 2 more, the last with text "Orders cutover: GO" and blocks section, context
# expect: http   POST ***
# expect: log    slack: sent "from a plain variable"
# not-expect: services/T0GOLDEN/B0GOLDEN/declared-hook-key
# not-expect: plain-hook-key
runbook "std/notify: Slack"

env RBK_HTTP_URL
env SLACK_WEBHOOK_URL secret

use "std/notify"

let plain_hook = "{env.RBK_HTTP_URL}/slack/services/T0PLAIN/B0PLAIN/plain-hook-key"
let received = "{env.RBK_HTTP_URL}/slack/received/T0GOLDEN/B0GOLDEN/declared-hook-key"

step "Announce" {
  let before = http.get(received).json.count
  let r = notify.slack(env.SLACK_WEBHOOK_URL, "Orders cutover: the window opens")
  log("result: sent={r.sent} status={r.status} error=\"{r.error}\"")
  expect r.sent
  let blocks = [
    {type: "section", text: {type: "mrkdwn", text: "*GO* for release `abc1234`"}},
    {type: "context", elements: [{type: "mrkdwn", text: "run by the orders runbook"}]},
  ]
  expect notify.slack(env.SLACK_WEBHOOK_URL, "Orders cutover: GO", blocks: blocks).sent
  let got = http.get(received).json
  let types = []
  for b in got.last.blocks {
    types = types + [b.type]
  }
  log("the webhook received {got.count - before} more, the last with text \"{got.last.text}\" and blocks {join(types, ", ")}")
  expect got.count == before + 2
  expect notify.slack(plain_hook, "from a plain variable").sent
} rollback {
  log("nothing to undo: a message cannot be unsent")
}
