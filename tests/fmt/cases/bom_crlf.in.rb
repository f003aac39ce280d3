runbook "bom and crlf"
step "s" {
  log("x")   # c
}
