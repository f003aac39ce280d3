# Every method reaches the server as written; custom headers are sent (int values as text);
# HEAD has an empty body.
# requires: http
# exit: 0
# expect: PUT PATCH DELETE OPTIONS
# expect: x-request-id=golden-42 x-attempt=2
# expect: head: 200 body bytes=0
runbook "HTTP: methods and headers"

env RBK_HTTP_URL

let base = env.RBK_HTTP_URL

step "Methods" {
  let put = http.put("{base}/echo", body: "x")
  let patch = http.patch("{base}/echo", json: {a: 1})
  let del = http.delete("{base}/echo")
  let opt = http.request("options", "{base}/echo")
  log("{put.json.method} {patch.json.method} {del.json.method} {opt.json.method}")
  expect put.json.body == "x" and patch.json.json.a == 1
} rollback {
  log("nothing to undo")
}

step "Headers" {
  let h = http.get("{base}/headers", headers: {"X-Request-Id": "golden-42", "X-Attempt": 2})
  let id = h.json.get("x-request-id")
  let attempt = h.json.get("x-attempt")
  log("x-request-id={id} x-attempt={attempt}")
  let d = http.get("{base}/dup-headers")
  expect d.headers.get("x-dup") == "one, two"
  let hd = http.head("{base}/healthz")
  log("head: {hd.status} body bytes={len(hd.body)}")
}
