# stop-if true stops the run: exit 2, no later step, no rollback.
# exit: 2
# expect: [1/3] ok prepare
# expect: STOP   stop-if level > 5 — level too high: 7
# expect: level > 5 = true
# expect: level = 7
# expect: stop_if.rb:23:11: stopped: stop-if level > 5
# expect: [2/3] STOPPED gate
# expect: == NO-GO: "gate" stopped; nothing else ran, nothing rolled back
# not-expect: undo prepare
# not-expect: not reached
# not-expect: [3/3]
runbook "stop-if"

let level = 7

step "prepare" {
  log("prepare")
} rollback {
  log("undo prepare")
}
step "gate" {
  stop-if level > 5, "level too high: {level}"
  log("not reached")
}
step "later" {
  log("not reached")
}
