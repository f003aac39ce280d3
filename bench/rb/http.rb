# bench/rb/http.rb — the HTTP benchmark: n GETs of /healthz on the fixture server
# (anchor: bench/anchors/http_anchor.c).
runbook "bench: HTTP"

env RBK_HTTP_URL
param n = 10000

let url = "{env.RBK_HTTP_URL}/healthz"

step "GET loop" {
  let ok = 0
  for _i in 1..n {
    let r = http.get(url)
    if r.status == 200 {
      ok = ok + 1
    }
  }
  log("{ok}")
  expect ok == n
}
