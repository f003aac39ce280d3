# An error caught by a `within` belongs to that poll only. Here the first attempt's poll
# raises, and so does its message; the attempt fails. The second attempt's condition is true
# at once and must pass, not be read as the first attempt's error (`last error: true`).
# expect: [1/1] Stale
# expect: missing_key
# expect: retry attempt 2 of the step
# expect: ok     expect flaky()
# expect: [1/1] ok Stale
# not-expect: last error: true
runbook "evidence: a caught error does not outlive its poll"

let n = 0

fn flaky() {
  n = n + 1
  if n == 1 {
    let m = json.parse("\{\}")
    return m.missing_key
  }
  return true
}

fn note() {
  if n == 1 {
    let m = json.parse("\{\}")
    return m.missing_key
  }
  return "fine"
}

step "Stale" retry 1 every 10ms {
  expect flaky() within 0ms every 10ms, "note: {note()}"
}
