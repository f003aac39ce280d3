runbook "Deploy"

step "a" {
  log("hi")
}
