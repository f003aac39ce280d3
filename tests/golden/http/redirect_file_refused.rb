# Only http and https: a redirect to file:// (or ftp://) is refused, never followed.
# requires: http
# exit: 1
# expect: redirect-to?url=file:///etc/passwd: Protocol "file" not supported
# not-expect: root:x:0:0
runbook "HTTP: redirect to file:// is refused"

env RBK_HTTP_URL

let base = env.RBK_HTTP_URL

step "Not followed without follow" {
  let r = http.get("{base}/redirect-to?url=file:///etc/passwd", follow: false)
  expect r.status == 302
  expect r.headers.location == "file:///etc/passwd"
}

step "Refused when followed" {
  let r = http.get("{base}/redirect-to?url=file:///etc/passwd")
  log("never printed {r.body}")
} rollback {
  log("rolled back")
}
