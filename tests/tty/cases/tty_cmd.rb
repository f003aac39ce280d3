# Commands handed the terminal (tests/tty: tty-command, tty-password): a [y/N] prompt, and a
# password read from /dev/tty without echo, as psql --password does.
runbook "Terminal commands"
param pin: string = "s3cr3t-PIN-4242" secret
step "Proceed" {
  let r = sh("read -p 'Proceed? [y/N] ' a; echo got $a; echo pin {pin}", tty: true)
  log("captured: {trim(r.stdout)}")
} rollback {
  log("nothing to undo")
}
step "Password" {
  let r = sh("stty -echo < /dev/tty; printf 'Password: ' > /dev/tty; read -r pw < /dev/tty; stty echo < /dev/tty; echo; echo length $\{#pw\}", tty: true, read_only: true)
  log("password step: {trim(r.stdout)}")
}
