# A non-2xx status is not an error: the runbook checks .status itself.
# requires: http
# exit: 1
# expect: disabled route answered 404
# expect: status 503 read back as 503
# expect: r.status == 200
runbook "HTTP: statuses are values"

env RBK_HTTP_URL

let base = env.RBK_HTTP_URL

step "The v2 route is disabled" {
  let r = http.get("{base}/v2/disabled")
  expect r.status == 404
  log("disabled route answered {r.status}")
  let s = http.get("{base}/status/503")
  expect s.status == 503 and s.json.status == 503
  log("status 503 read back as {s.status}")
}

step "Expecting 200 from a 404 fails the step" {
  let r = http.get("{base}/v2/disabled")
  expect r.status == 200
} rollback {
  log("nothing to undo")
}
