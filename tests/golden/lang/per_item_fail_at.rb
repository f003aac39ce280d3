# --fail-at names an instance: that one fails on purpose after its body (a rehearsal); with
# max_fail 0 the step fails and the instances roll back.
# mode: run
# args: --fail-at "Restart web-2"
# exit: 1
# expect: [1/1] ok Restart web-1
# expect: failed on purpose after its body (--fail-at rehearsal)
# expect: [1/1] FAILED Restart web-2
# expect: [Restart web-2]   log    undo web-2
# expect: [Restart web-1]   log    undo web-1
runbook "fail-at an instance"

step "Restart {h}" for h in ["web-1", "web-2", "web-3"] {
  log("restart {h}")
} rollback {
  log("undo {h}")
}
