# A standard-library function's effects and checks are attributed to the step that calls it,
# with its parameters shown as the call's arguments: in strings, a literal argument is spliced
# in (`{url}` passed "{base}/ready" reads {base}/ready; `{code}` passed 204 reads 204), and in
# code the parameter becomes the argument (`r.status == code` reads `r.status == 204`).
# mode: plan
# args: --format json
# exit: 0
# expect: "name": "Ready",
# expect: "builtin": "http.get",
# expect: "text": "{base}/ready",
# expect: "via": "web.expect_status",
# expect: "file": "<std/http>",
# expect: "checks": [
# expect: "text": "r.status == 204",
# expect: "message": "GET {base}/ready answers 204",
# expect: "via": "web.expect_status",
runbook "Std calls"

use "std/http" as web

param base = "http://127.0.0.1:9"

step "Ready" {
  web.expect_status("{base}/ready", 204)
}
