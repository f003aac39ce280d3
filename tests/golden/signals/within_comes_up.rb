# A service that comes up 3 s after the step starts: `expect ... within 10s` keeps polling
# through "connection refused" and passes once it answers. The fixture is started late, on a
# port chosen by the runbook, from the binary the test environment names.
# requires: http
# exit: 0
# expect: ok     expect http.get("http://127.0.0.1:{port}/healthz").status == 200
# expect: ok the service comes up
runbook "A service that comes up late"
env RBK_FIXTURE_HTTPD

let port = 20000 + int(sh("shuf -i 0-20000 -n 1").stdout)
let tmp = trim(sh("mktemp").stdout)

step "start the service in 3 s" {
  sh("setsid sh -c 'sleep 3; exec \"$1\" --port \"$2\" --port-file \"$3\" --exit-after 30' _ {env.RBK_FIXTURE_HTTPD} {port} {tmp} </dev/null >/dev/null 2>&1 & sleep 0.3")
} irreversible "starts a background server"

step "the service comes up" {
  expect http.get("http://127.0.0.1:{port}/healthz").status == 200 within 10s every 250ms
}
