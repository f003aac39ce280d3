# The step's timeout caps every call inside it: a request that never answers is cut when the
# step's time is up, even without timeout: on the call.
# requires: http
# exit: 1
# expect: /hang: the step's timeout (1s) after
# not-expect: never printed
runbook "HTTP: step timeout"

env RBK_HTTP_URL

let base = env.RBK_HTTP_URL

step "A hanging service" timeout 1s {
  let r = http.get("{base}/hang")
  log("never printed {r.status}")
} rollback {
  log("rolled back")
}
