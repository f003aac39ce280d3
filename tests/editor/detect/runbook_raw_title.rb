runbook 'Raw title'
step "a" { log("x") }
