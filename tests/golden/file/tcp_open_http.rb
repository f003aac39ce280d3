# tcp.open to the fixture HTTP server's port is true.
# requires: http
# exit: 0
# expect: fixture port open: true
runbook "tcp.open to a listening port"

let url = env.get("RBK_HTTP_URL")
let port = int(split(split(url, ":")[2], "/")[0])

step "Listening port" {
  let up = tcp.open("127.0.0.1", port, timeout: 5s)
  expect up
  log("fixture port open: {up}")
}
