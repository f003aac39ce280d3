# Hostile text on a live terminal (tests/tty: hostile-text): a command's output with escape
# sequences, logged, streamed with --verbose, quoted in a question with a secret, and in the
# failure menu's detail. Nothing may retitle, clear or recolour the operator's terminal.
runbook "Hostile"
env TTY_TOKEN secret
step "Show" {
  let bad = trim(sh("printf 'before\\033]0;pwned-title\\007\\033[2J\\033[41mafter\\n'").stdout)
  log("logged {bad}")
  sh("printf 'live\\033]2;pwned-live\\007\\n'")
  confirm("Go on with {bad} and {env.TTY_TOKEN}?", timeout: 2m)
  sh("printf 'menu\\033]0;pwned-menu\\007\\n' >&2; exit 3")
} irreversible "prints only"
