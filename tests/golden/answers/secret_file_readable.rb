# A --answers file that holds a secret answer and that others can read is refused, as ssh
# refuses such a private key (git checks the file out readable by all: 0644 or 0664, by umask).
# args: --answers data/secret.txt
# exit: 64
# expect: - --answers data/secret.txt holds the secret answer pin and others can read it (mode 06
# not-expect: Pin-4711
runbook "Readable secret"

step "Ask" {
  let pin = ask("PIN?", secret: true)
  log(pin)
}
