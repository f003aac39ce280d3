# The effect record of a response is the body, masked whole before anything keeps part of it:
# a secret that straddles byte 4096 (where the record used to be cut before masking) shows no
# prefix in the JSON log.
# requires: http
# env: PAD_TOKEN=Zq8xK2pLm9Wv-body-cut-token
# args: --log-format json
# exit: 0
# expect: "event":"effect_end"
# not-expect: Zq8xK2
runbook "HTTP: a secret across the effect record's cut"

env RBK_HTTP_URL
env PAD_TOKEN secret

step "Fetch a body with the token at byte 4090" {
  let status = http.get("{env.RBK_HTTP_URL}/pad/4090", headers: {"X-Pad": env.PAD_TOKEN}).status
  expect status == 200
}
