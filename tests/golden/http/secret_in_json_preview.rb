# A body that is not JSON is quoted in the error by its first bytes: masked whole first, so a
# secret across that cut (byte 80) shows no prefix.
# requires: http
# env: PAD_TOKEN=Wx3vB7nQr5Tz-preview-token
# exit: 1
# expect: is not JSON (content-type: text/plain;
# not-expect: Wx3vB7
runbook "HTTP: a secret across the .json preview's cut"

env RBK_HTTP_URL
env PAD_TOKEN secret

step "Parse a text body" {
  let r = http.get("{env.RBK_HTTP_URL}/pad/74", headers: {"X-Pad": env.PAD_TOKEN})
  log(r.json)
}
