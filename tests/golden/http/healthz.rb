# GET /healthz and /readyz: status, lower-case headers, body, and the lazily parsed json.
# requires: http
# exit: 0
# expect: healthz status=200 ok=true
# expect: content-type=application/json
# expect: readyz db=true
# expect: final url ends with /readyz: true
runbook "HTTP: health checks"

env RBK_HTTP_URL

let base = env.RBK_HTTP_URL

step "Service healthy" {
  let r = http.get("{base}/healthz")
  expect r.status == 200
  expect r.json.ok == true
  log("healthz status={r.status} ok={r.json.ok}")
  let ct = r.headers.get("content-type")
  log("content-type={ct}")
  expect r.body == "\{\"ok\": true\}"
  expect r.time < 10s
}

step "Service ready" {
  let r = http.get("{base}/readyz", timeout: 5s)
  expect r.json.ok == true and r.json.db == true
  log("readyz db={r.json.db}")
  let final = ends_with(r.url, "/readyz")
  log("final url ends with /readyz: {final}")
}
