# A transport error (nothing listening) fails the step with curl's error text and the time.
# exit: 1
# expect: GET http://127.0.0.1:1/healthz: Failed to connect to 127.0.0.1 port 1
runbook "HTTP: connection refused"

step "Nothing listens on port 1" {
  let r = http.get("http://127.0.0.1:1/healthz", timeout: 2s)
  log("never printed {r.status}")
} rollback {
  log("rolled back")
}
