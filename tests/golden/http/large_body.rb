# A large response body (5 MB) arrives whole; the report/event copy of a body is truncated,
# the value is not.
# requires: http
# exit: 0
# expect: ok     expect len(r.body) == 5000000
runbook "HTTP: a large body"

env RBK_HTTP_URL

step "Download 5 MB" {
  let r = http.get("{env.RBK_HTTP_URL}/large/5000000")
  expect r.status == 200
  expect len(r.body) == 5000000
}
