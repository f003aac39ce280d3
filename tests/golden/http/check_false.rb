# check: false — a call that does not go through (nothing listening, its own timeout) returns
# status 0 with the reason in `error` instead of failing the step; a call that goes through has
# error "". The failure is still recorded as the call's outcome (--verbose shows -> error).
# requires: http
# args: --verbose
# exit: 0
# expect: -> error (code 0,
# expect: refused: status=0 body="" url=http://127.0.0.1:1/hooks
# expect: refused error: POST http://127.0.0.1:1/hooks: Failed to connect to 127.0.0.1 port 1
# expect: slow: status=0
# expect: /hang: timeout (300ms) after
# expect: healthy: status=200 error=""
# expect: the step goes on
runbook "HTTP: check: false"

env RBK_HTTP_URL

step "Calls that may not go through" {
  let r = http.post("http://127.0.0.1:1/hooks", json: {text: "hello"}, timeout: 2s, check: false)
  log("refused: status={r.status} body=\"{r.body}\" url={r.url}")
  log("refused error: {r.error}")
  expect r.status == 0 and r.json == nil and len(r.headers) == 0
  let slow = http.get("{env.RBK_HTTP_URL}/hang", timeout: 300ms, check: false)
  log("slow: status={slow.status}")
  log(slow.error)
  let ok = http.get("{env.RBK_HTTP_URL}/healthz", check: false)
  log("healthy: status={ok.status} error=\"{ok.error}\"")
  expect ok.json.ok == true
  log("the step goes on")
} rollback {
  log("nothing to undo")
}
