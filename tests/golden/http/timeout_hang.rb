# timeout: cuts a request that never answers; the step fails with the reason and the time.
# requires: http
# exit: 1
# expect: /hang: timeout (500ms) after
# not-expect: never printed
runbook "HTTP: call timeout"

env RBK_HTTP_URL

let base = env.RBK_HTTP_URL

step "A hanging service" {
  let r = http.get("{base}/hang", timeout: 500ms)
  log("never printed {r.status}")
} rollback {
  log("rolled back")
}
