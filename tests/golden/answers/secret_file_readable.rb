# A --answers file that holds a secret answer and that others can read is refused, as ssh
# refuses such a private key (the file is checked out without write or read limits: 0644).
# args: --answers data/secret.txt
# exit: 64
# expect: - --answers data/secret.txt holds the secret answer pin and others can read it (mode 0644): chmod 600 data/secret.txt
# not-expect: Pin-4711
runbook "Readable secret"

step "Ask" {
  let pin = ask("PIN?", secret: true)
  log(pin)
}
