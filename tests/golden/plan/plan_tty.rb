# plan shows a `tty: true` command as one that needs a terminal.
# mode: plan
# expect: write  sh         psql --password -c 'select 1'  (needs a terminal; plan_tty.rb:
runbook "Plan of a terminal command"

step "Look" {
  let who = ask("Who is on call?")
  sh("psql --password -c 'select 1'", tty: true)
  log(who)
} irreversible "an operator types the password"
