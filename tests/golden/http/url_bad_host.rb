# A value in the host of a URL literal is not encoded but checked: a host name, an IPv4
# address or an [IPv6] address with an optional :port. A value that would end the host (a /,
# ?, # or @ in it) is an error at its hole before the request is sent (docs/http.md).
# mode: run
# exit: 1
# expect: url_bad_host.rb:13:29: error: the value interpolated as the URL's host has a byte that cannot stand in a host (a name or address: letters, digits, `-`, `.`, `_`, `~`, [IPv6] and a :port; write the path's `/` in the literal: http://{host}/{path})
# expect: rolled back
# not-expect: never sent
runbook "HTTP: a value as the host"

step "Host" {
  let host = "127.0.0.1:1/x?"
  let r = http.get("http://{host}/healthz", timeout: 2s)
  log("never sent {r.status}")
} rollback {
  log("rolled back")
}
