# Redirects are followed (at most 10 hops) and .url is the final URL; follow: false returns the
# 302 itself with its location header.
# requires: http
# exit: 1
# expect: followed to /healthz: true
# expect: not followed: 302 -> /redirect/2
# expect: /redirect/11: Maximum (10) redirects followed
runbook "HTTP: redirects"

env RBK_HTTP_URL

let base = env.RBK_HTTP_URL

step "Followed" {
  let r = http.get("{base}/redirect/3")
  expect r.status == 200 and r.json.ok == true
  let landed = ends_with(r.url, "/healthz")
  log("followed to /healthz: {landed}")
  let ten = http.get("{base}/redirect/10")
  expect ten.status == 200
}

step "Not followed" {
  let r = http.get("{base}/redirect/3", follow: false)
  expect r.status == 302
  log("not followed: {r.status} -> {r.headers.location}")
}

step "Too many hops" {
  let r = http.get("{base}/redirect/11")
  log("never printed {r.status}")
} rollback {
  log("rolled back")
}
