# Imported from doc_example.md by `runbook import`: a skeleton to finish. Each TODO(import) below
# marks what was not translated (0 in all); the summary on stderr lists them by line.
runbook "Restart the API"

param base_url = "https://api.example.com"

# Restart the API during the maintenance window.
step "1. Check" {
  let r = http.get("{base_url}/healthz", follow: false)
  expect r.status >= 200 and r.status < 300
}

section "2. Restart" {
  step "Restart the service" {
    sh("sudo systemctl restart api")
    wait(10s)
    let r = http.get("{base_url}/healthz", follow: false)
    expect r.json.status == "ok"
    confirm("Dashboards green?")
  } rollback {
    # Rollback procedure
    sh("sudo systemctl restart api@previous")
  }
}
