# With --log-format json, a sub-expression that raised in the last poll of a `within` has
# "value": null and "error": its text; the others have no "error" key.
# args: --log-format json
# exit: 1
# expect: "values":[{"expr":"len(read(path)) > 0","value":null},{"expr":"len(read(path))","value":null},{"expr":"read(path)","value":null,"error":"file.read: cannot open \"/nonexistent/ready\": No such file or directory"},{"expr":"path","value":"\"/nonexistent/ready\""}]
runbook "evidence: an error value in the JSON log"

fn read(p) {
  expect p != ""
  return file.read(p)
}

step "Read" {
  let path = "/nonexistent/ready"
  expect len(read(path)) > 0 within 20ms every 10ms
}
