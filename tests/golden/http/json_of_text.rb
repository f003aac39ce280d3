# .json of a body that is not JSON fails the step, naming the content type and quoting the start
# of the body; .body is still readable.
# requires: http
# exit: 1
# expect: body: hello, not json
# expect: is not JSON (content-type: text/plain
# not-expect: log    never printed
runbook "HTTP: .json of a text body"

env RBK_HTTP_URL

let base = env.RBK_HTTP_URL

step "Text is not JSON" {
  let r = http.get("{base}/text")
  expect r.status == 200
  log("body: {r.body}")
  log("never printed {r.json.ok}")
} rollback {
  log("rolled back")
}
