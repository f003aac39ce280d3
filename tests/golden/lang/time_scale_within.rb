# --time-scale 6000: `within 1h every 10m` polls every 100ms for 600ms of real time, so the
# condition that is true at its third poll passes (in real time the polls are 10 minutes apart,
# past the runner's limit). The header says the run is a rehearsal.
# args: --time-scale 6000
# expect: == time scale within (1 step) — REHEARSAL: time scaled 1/6000
# expect: ok     expect poll() >= 3 — comes up
# expect: log    polls=3
# expect: == GO
runbook "time scale within"

let polls = 0

fn poll() {
  polls = polls + 1
  return polls
}

step "Comes up" {
  expect poll() >= 3 within 1h every 10m, "comes up"
  log("polls={polls}")
}
