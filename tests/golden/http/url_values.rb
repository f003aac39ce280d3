# A value in a URL literal is written for the part of the URL it stands in (docs/http.md
# "Values in URLs"): in the path it is one segment and in the query one name or value,
# percent-encoded, so ../admin, 1?admin=true#, a/b and & = + cannot change the request. The
# fixture's /target route echoes the request target as it arrived. On main the values were
# inserted as they are: ../admin reached /target/admin and 1?admin=true# sent admin=true.
# requires: http
# exit: 0
# expect: path ../admin -> /target/users/..%2Fadmin
# expect: path 1?admin=true# -> /target/users/1%3Fadmin%3Dtrue%23
# expect: path a/b -> /target/users/a%2Fb
# expect: path %2e%2e -> /target/users/%252e%252e
# expect: path a b -> /target/users/a%20b
# expect: path é -> /target/users/%C3%A9
# expect: query -> /target/q?name=1%3Fadmin%3Dtrue%23&v=..%2Fadmin&a%20b=%2B%26%3D
# expect: decoded back: true
# expect: fragment -> /target/f
# expect: base and port -> /target/x
# expect: userinfo -> Basic dTpAOnBAc3M6Lw==
# expect: raw -> /target/api/v2/users?x=1
# expect: number -> /target/items/42
runbook "HTTP: values in URLs"

env RBK_HTTP_URL

let base = env.RBK_HTTP_URL
let host = split(split(base, "//")[1], ":")[0]
let port = int(split(base, ":")[2])

step "Path segments" {
  for id in ["../admin", "1?admin=true#", "a/b", "%2e%2e", "a b", "é"] {
    log("path {id} -> {http.get("{base}/target/users/{id}").json.target}")
  }
}

step "Query names and values" {
  let r = http.get("{base}/target/q?name={"1?admin=true#"}&v={"../admin"}&{"a b"}={"+&="}")
  log("query -> {r.json.target}")
  # the server decodes each back to the value (hex of "1?admin=true#", "../admin", "a b", "+&=")
  let args = r.json.args
  log("decoded back: {args[0][1] == "313f61646d696e3d7472756523" and args[1][1] == "2e2e2f61646d696e" and args[2][0] == "612062" and args[2][1] == "2b263d"}")
}

step "Fragment, base, host, port, userinfo" {
  log("fragment -> {http.get("{base}/target/f#{"?x=1&y=/.."}").json.target}")
  log("base and port -> {http.get("http://{host}:{port}/target/x").json.target}")
  let user = "u:@"
  let pass = "p@ss:/"
  log("userinfo -> {http.get("http://{user}:{pass}@{host}:{port}/target/x").json.authorization}")
}

step "Raw and non-string values" {
  let prefix = "api/v2"
  log("raw -> {http.get("{base}/target/{prefix:raw}/users?{"x=1":raw}").json.target}")
  log("number -> {http.get("{base}/target/items/{40 + 2}").json.target}")
}
