# std/http's wait_healthy gives up after its limit: the step fails with the last status, shown
# with the helper's message, and the error points into the module.
# requires: http
# mode: run
# exit: 1
# expect: FAILED expect http.get(url, headers: headers).status == 200
# expect: http.get(url, headers: headers).status = 503
# expect: <std/http>:
runbook "std/http: never healthy"

env RBK_HTTP_URL

use "std/http" as web

step "Wait for a service that stays down" {
  web.wait_healthy("{env.RBK_HTTP_URL}/status/503", limit: 1s, poll: 200ms)
}
