# std/http's helpers against the HTTP fixture: polling until healthy (a flaky route that answers
# 503 twice), a JSON field, exact statuses (404 and 401), JSON bodies and the non-failing probe.
# requires: http
# exit: 0
# expect: healthy after polling: 200 ok=true
# expect: ready: db=true
# expect: /json name=orders count=42
# expect: probe: healthz=true status/500=false
# expect: bearer: 200
runbook "std/http: helpers"

env RBK_HTTP_URL

use "std/http" as web

let base = env.RBK_HTTP_URL

step "Wait until healthy" {
  let r = web.wait_healthy("{base}/flaky/std-http-helpers/2", limit: 30s, poll: 100ms)
  log("healthy after polling: {r.status} ok={r.json.ok}")
  let ready = web.wait_json_field("{base}/readyz", "db", true, limit: 10s)
  log("ready: db={ready.db}")
}

step "Statuses and bodies" {
  web.expect_status("{base}/v2/disabled", 404)
  web.expect_status("{base}/auth", 401)
  let doc = web.get_json("{base}/json")
  log("/json name={doc.name} count={doc.count}")
  expect doc.tags == ["a", "b", "c"]
  log("probe: healthz={web.is_healthy("{base}/healthz")} status/500={web.is_healthy("{base}/status/500")}")
  let r = web.expect_status("{base}/auth", 200, headers: {Authorization: "Bearer token-1"})
  log("bearer: {r.status}")
}
