# std/notify's webhook() posts any JSON payload, with headers (an Authorization header from a
# secret), and counts any 2xx as delivered; the fixture's /echo answers with what it received.
# Called from top-level code too. The payload sent is logged; the token and the URL are masked.
# requires: http
# env: INCIDENT_TOKEN=golden-incident-token-0042
# exit: 0
# expect: log    webhook: sent {"event":"window","service":"orders","state":"open"}
# expect: [1/1] Verdict
# expect: log    webhook: sent {"event":"verdict","verdict":"GO","steps":["a","b"]}
# expect: log    the server received a POST of application/json with verdict GO and the bearer token ***
# expect: log    webhook: NOT delivered — the webhook answered 404
# expect: log    results: true false
# not-expect: golden-incident-token-0042
runbook "std/notify: generic webhook"

env RBK_HTTP_URL
env INCIDENT_TOKEN secret

use "std/notify"

let auth = {Authorization: "Bearer {env.INCIDENT_TOKEN}"}
let opened = notify.webhook("{env.RBK_HTTP_URL}/echo", {event: "window", service: "orders", state: "open"}, headers: auth)

step "Verdict" {
  let r = notify.webhook("{env.RBK_HTTP_URL}/echo", {event: "verdict", verdict: "GO", steps: ["a", "b"]}, headers: auth)
  let echo = json.parse(r.body)
  log("the server received a {echo.method} of {echo.headers["content-type"]} with verdict {echo.json.verdict} and the bearer token {replace(echo.headers.authorization, "Bearer ", "")}")
  expect r.sent and r.status == 200 and echo.json.steps == ["a", "b"]
  let missing = notify.webhook("{env.RBK_HTTP_URL}/no-such-hook", {event: "verdict"})
  log("results: {opened.sent} {missing.sent}")
} rollback {
  log("nothing to undo")
}
