# A true stop-if inside watch stops the run: exit 2, no rollback.
# args: --no-wait
# exit: 2
# expect: STOP   stop-if rate > 0.5 — too high: 0.9
# expect: [2/2] STOPPED watch
# expect: == NO-GO: "watch" stopped; nothing else ran, nothing rolled back
# not-expect: undo
runbook "watch stop-if"

let rate = 0.9

step "before" {
  log("before")
} rollback {
  log("undo before")
}
step "watch" {
  watch 1m every 1s {
    stop-if rate > 0.5, "too high: {rate}"
  }
}
