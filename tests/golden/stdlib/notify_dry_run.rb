# --dry-run: a notification is a write, so it is shown with what it would send (the URL masked)
# and not sent; nothing is logged as sent or not delivered, and required: true does not fail.
# The fixture's record, read for real (a read), shows nothing arrived.
# requires: http
# args: --dry-run
# exit: 0
# expect: DRY RUN
# expect: would http.post("***", json: {"text": "Orders cutover: the window opens"}, timeout: 10s, check: false)
# expect: note   dry run: a condition depends on a write that was not done
# expect: would http.post("***", json: {"event": "cutover", "state": "started"}, headers: {"Authorization": "Bearer ***"}, timeout: 10s, check: false)
# expect: log    nothing arrived: true
# expect: == GO
# not-expect: slack: sent
# not-expect: NOT delivered
# not-expect: dry-run-hook-key
runbook "std/notify: dry run"

env RBK_HTTP_URL

use "std/notify"

let hook = "{env.RBK_HTTP_URL}/slack/services/T0DRY/B0DRY/dry-run-hook-key"
let token = secret("dry-run-bearer-token")

step "Announce" {
  let before = http.get("{env.RBK_HTTP_URL}/slack/received/T0DRY/B0DRY/dry-run-hook-key").json.count
  notify.slack(hook, "Orders cutover: the window opens", required: true)
  notify.webhook("{env.RBK_HTTP_URL}/echo", {event: "cutover", state: "started"},
                 headers: {Authorization: "Bearer {token}"}, required: true)
  let after = http.get("{env.RBK_HTTP_URL}/slack/received/T0DRY/B0DRY/dry-run-hook-key").json.count
  log("nothing arrived: {after == before}")
} rollback {
  log("nothing to undo")
}
