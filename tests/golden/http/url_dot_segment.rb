# A value that would make a path segment `..`, `.` or empty is an error at its hole before the
# request is sent: libcurl and servers resolve dot segments, so /target/{id}/users with id ".."
# would have reached /users (docs/http.md "Values in URLs").
# requires: http
# mode: run
# exit: 1
# expect: first: /target/users/..a
# expect: url_dot_segment.rb:20:36: error: a value interpolated into the URL's path makes a segment that is empty, `.` or `..`, which would reach another path than the one written
# expect: rolled back
# not-expect: never sent
runbook "HTTP: a value cannot be a dot segment"

env RBK_HTTP_URL

let base = env.RBK_HTTP_URL

step "Dot segments" {
  log("first: {http.get("{base}/target/users/{".."}a").json.target}")
  let id = ".."
  let r = http.get("{base}/target/{id}/users")
  log("never sent {r.status}")
} rollback {
  log("rolled back")
}
