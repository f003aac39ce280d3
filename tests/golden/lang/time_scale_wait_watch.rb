# --time-scale 6000: `wait(10m)` shows the runbook's duration and the real one it takes, and a
# `watch 1h every 10m` runs its block every 100ms for 600ms: more than once (--no-wait runs it
# once), its first run at once.
# args: --time-scale 6000
# expect: == scaled waits (1 step) — REHEARSAL: time scaled 1/6000
# expect: wait   10m (100ms at --time-scale 6000)
# expect: watch  1h (600ms at --time-scale 6000)
# expect: ok     expect rounds >= 2 — the watch ran again
# expect: == GO
runbook "scaled waits"

let rounds = 0

step "Watch" {
  wait(10m)
  watch 1h every 10m {
    rounds = rounds + 1
  }
  expect rounds >= 2, "the watch ran again"
}
