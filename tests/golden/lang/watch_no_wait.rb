# watch D every P evaluates its guards every P for D; --no-wait evaluates them once.
# args: --no-wait
# expect: [1/2] observe
# expect: ok     expect rate < 0.01
# expect: [1/2] ok observe
# expect: [2/2] observe harder
# expect: FAILED expect rate < 0.0001
# expect: watch_no_wait.rb:23:12: error: expectation failed
# expect: [2/2] FAILED observe harder
# exit: 1
runbook "watch with --no-wait"

let rate = 0.001

step "observe" {
  watch 15m every 30s {
    expect rate < 0.01
    stop-if rate > 0.5, "error rate way too high"
  }
}
step "observe harder" {
  watch 15m every 30s {
    expect rate < 0.0001
  }
}
