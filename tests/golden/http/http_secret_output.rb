# `secret: true` says that a response is secret: its body is registered (whole and trimmed)
# before any event carries it, the outcome event does not carry it (the JSON log's effect_end
# has no "stdout"), and the body, .json and headers are marked. The status stays readable.
# requires: http
# args: --log-format json
# exit: 0
# expect: "event":"effect_end"
# expect: "text":"token ***"
# expect: "text":"status 200"
# not-expect: httpL4TE-9931
# not-expect: "stdout":
runbook "HTTP: a secret response"

env RBK_HTTP_URL

step "Fetch a token" {
  let r = http.get("{env.RBK_HTTP_URL}/pad/0", headers: {"X-Pad": "httpL4TE-" + "9931"}, secret: true)
  log("token {trim(r.body)}")
  log("status {r.status}")
}
