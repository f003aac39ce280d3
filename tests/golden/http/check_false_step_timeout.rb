# check: false does not outlast the step: when the step's own timeout cuts the call, the step
# fails as without it (the step has no time left for anything else).
# requires: http
# exit: 1
# expect: /hang: the step's timeout (500ms) after
# expect: [1/1] FAILED Out of time
# not-expect: never printed
runbook "HTTP: check: false and the step's timeout"

env RBK_HTTP_URL

step "Out of time" timeout 500ms {
  let r = http.get("{env.RBK_HTTP_URL}/hang", timeout: 20s, check: false)
  log("never printed {r.status}")
} rollback {
  log("rolled back")
}
