runbook "Broken"
step "a" {
  let x = (1 +
  log("unterminated)
}
