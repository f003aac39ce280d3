# json: sends any value as JSON with Content-Type: application/json; /echo returns what it got.
# requires: http
# exit: 0
# expect: method=POST content-type=application/json
# expect: echoed name=orders count=3 tags=b ok=true none=true
# expect: text body: plain text
runbook "HTTP: POST JSON"

env RBK_HTTP_URL

let base = env.RBK_HTTP_URL

step "Post a value" {
  let payload = {name: "orders", count: 3, tags: ["a", "b"], nested: {ok: true}, ratio: 0.5, none: nil}
  let r = http.post("{base}/echo", json: payload)
  expect r.status == 200
  let e = r.json
  let ct = e.headers.get("content-type")
  log("method={e.method} content-type={ct}")
  expect e.json == payload
  log("echoed name={e.json.name} count={e.json.count} tags={e.json.tags[1]} ok={e.json.nested.ok} none={e.json.none == nil}")
  let t = http.post("{base}/echo", body: "plain text", headers: {"Content-Type": "text/plain"})
  expect t.json.headers.get("content-type") == "text/plain"
  log("text body: {t.json.body}")
} rollback {
  log("nothing to undo")
}
