# A notification in a rollback block that cannot be delivered (the chat server is down) does not
# halt the rollback: the blocks before and after it run, and the run ends "rollback completed"
# (exit 1), not "NOT FULLY RESTORED" (exit 3).
# requires: http
# mode: run
# args: --fail-at "Switch traffic"
# exit: 1
# expect: rollback Switch traffic
# expect: log    slack: NOT delivered — POST ***: Failed to connect to 127.0.0.1 port 1
# expect: log    traffic back on blue
# expect: rollback ok Switch traffic
# expect: rollback Prepare
# expect: log    prepared things undone
# expect: rollback ok Prepare
# expect: == NO-GO: "Switch traffic" failed; rollback completed (2 rolled back)
runbook "std/notify: chat down during a rollback"

use "std/notify"

let chat_down = "http://127.0.0.1:1/services/T/B/k"

step "Prepare" {
  log("prepared")
} rollback {
  log("prepared things undone")
}

step "Switch traffic" {
  log("traffic on green")
} rollback {
  notify.slack(chat_down, "Rolling back: traffic goes back to blue", timeout: 2s)
  log("traffic back on blue")
}
