# required: true makes a notification that is not delivered fail the step, with the reason; the
# rollback then runs, and a notification in a rollback block that is delivered says so.
# requires: http
# mode: run
# exit: 1
# expect: [1/2] ok Announce the window
# expect: [2/2] Deploy
# expect: error: slack: not delivered — Slack answered 410 channel_is_archived: the webhook's channel is archived
# expect: [2/2] FAILED Deploy
# expect: rollback Announce the window
# expect: log    slack: sent "Orders cutover rolled back"
# expect: rollback ok Announce the window
# expect: == NO-GO: "Deploy" failed; rollback completed (2 rolled back)
runbook "std/notify: required"

env RBK_HTTP_URL

use "std/notify"

let hooks = "{env.RBK_HTTP_URL}/slack/services/T0REQ/B0REQ"

step "Announce the window" {
  notify.slack("{hooks}/ops", "Orders cutover: the window opens", required: true)
} rollback {
  notify.slack("{hooks}/ops", "Orders cutover rolled back", required: true)
}

step "Deploy" {
  notify.slack("{hooks}/archived", "the audit channel must hear of it", required: true)
} rollback {
  log("nothing deployed")
}
