# Slow routes and metrics: /delay answers after its delay within the call's timeout, .time
# measures the call, and a metrics threshold reads naturally.
# requires: http
# exit: 0
# expect: delayed call took at least 200ms: true
# expect: error rate 0.001 under 1%
runbook "HTTP: delay and metrics"

env RBK_HTTP_URL

let base = env.RBK_HTTP_URL

step "Slow but in time" {
  let r = http.get("{base}/delay/200", timeout: 5s)
  expect r.status == 200 and r.json.delayed_ms == 200
  log("delayed call took at least 200ms: {r.time >= 200ms}")
}

step "Observe" {
  let m = http.get("{base}/metrics").json
  expect m.error_rate < 0.01
  log("error rate {m.error_rate} under 1%")
  expect http.get("{base}/up-after/0").status == 200 within 5s every 100ms
}
