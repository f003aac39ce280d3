# --time-scale 1000000: `retry 2 every 30m` pauses 10ms (the floor: 30m / 1000000 is 1.8ms)
# between attempts, so the step that passes at its third attempt completes at once.
# args: --time-scale 1000000
# expect: == retry scaled (1 step) — REHEARSAL: time scaled 1/1000000
# expect: retry attempt 2 of the step
# expect: retry attempt 3 of the step
# expect: ok     expect attempts >= 3 — third time lucky
# expect: == GO: 1 ok, 0 skipped
runbook "retry scaled"

let attempts = 0

step "Flaky" retry 2 every 30m {
  attempts = attempts + 1
  expect attempts >= 3, "third time lucky"
}
