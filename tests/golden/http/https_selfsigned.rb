# TLS is verified: the fixture's self-signed certificate is refused by default and accepted with
# insecure: true.
# requires: http, https
# exit: 1
# expect: insecure: 200
# expect: SSL certificate problem
runbook "HTTP: TLS verification"

env RBK_HTTP_URL
env RBK_HTTPS_URL

let tls = env.RBK_HTTPS_URL

step "Insecure on purpose" {
  let r = http.get("{tls}/healthz", insecure: true)
  expect r.status == 200 and r.json.ok == true
  log("insecure: {r.status}")
}

step "Verified by default" {
  let r = http.get("{tls}/healthz")
  log("never printed {r.status}")
} rollback {
  log("rolled back")
}
