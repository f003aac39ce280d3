# A fn that checks (expect/stop-if/watch) or asks the operator cannot run in top-level code:
# the error is at the call, the line to move into a step, not at the fn.
runbook "guards"

fn must_be_positive(x) {
  expect x > 0
  return x
}

fn sure() {
  return confirm("go on?")
}

fn indirect(x) {
  return must_be_positive(x) + 1
}

let a = must_be_positive(1)  # expect error: `must_be_positive` uses expect/stop-if/watch and cannot be called from top-level code
let b = indirect(2)  # expect error: `indirect` uses expect/stop-if/watch and cannot be called from top-level code
let c = sure()  # expect error: `sure` asks the operator (confirm/ask/approve) and cannot be called from top-level code

step "fine here" {
  log("{must_be_positive(a + b)} {sure()} {c}")
}
