# ask with secret: no echo, masked everywhere (tests/tty: ask-secret).
runbook "Secret"
step "Ask" {
  let token = ask("API token", secret: true)
  let who = ask("Your name")
  log("token is {token}, name is {who}")
}
