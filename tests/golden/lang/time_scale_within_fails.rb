# --time-scale 1m=1s: a `within 10s every 1s` that is never true fails when its scaled window
# (10s / 60, polled at the 10ms floor rather than every 17ms) runs out, with the usual message;
# the step's timeout (not scaled) is far away.
# args: --time-scale 1m=1s
# exit: 1
# expect: == never (1 step) — REHEARSAL: time scaled 1/60
# expect: FAILED expect ready — still not true when the `within` time ran out
# expect: error: expectation failed: ready — still not true when the `within` time ran out
# expect: == NO-GO
runbook "never"

let ready = false

step "Waits" timeout 1m {
  expect ready within 10s every 1s
}
