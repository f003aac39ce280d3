# A bearer token from a secret env var: 401 without it, 201 with it, and the token text never
# appears in any output (the echoed request headers are masked).
# requires: http
# env: API_TOKEN=golden-bearer-9f8e7d6c5b4a
# exit: 0
# expect: without token: 401
# expect: with token: 201 created=true
# expect: Bearer ***
# not-expect: golden-bearer-9f8e7d6c5b4a
runbook "HTTP: bearer token"

env RBK_HTTP_URL
env API_TOKEN secret

let base = env.RBK_HTTP_URL
let auth = {Authorization: "Bearer {env.API_TOKEN}"}

step "Unauthenticated call is refused" {
  let r = http.get("{base}/auth")
  expect r.status == 401
  log("without token: {r.status}")
}

step "Create with the token" {
  let r = http.post("{base}/auth", headers: auth, json: {name: "orders_v2"})
  expect r.status == 201
  expect r.json.created == true
  log("with token: {r.status} created={r.json.created}")
  let h = http.get("{base}/headers", headers: auth)
  log("echoed: {h.body}")
  expect h.json.authorization == "Bearer {env.API_TOKEN}"
} rollback {
  log("nothing to undo")
}
