# A secret ask answered from --answers (here standard input, a pipe): the answer is masked in
# every line, the gate's included, from the moment it is read.
# args: --answers /dev/stdin
# stdin: pin=Pin-4711-S3cret
# expect: gate   PIN? -> *** (--answers /dev/stdin)
# expect: log    pin ***, 15 long
# not-expect: Pin-4711
runbook "Secret answer"

step "Ask" {
  let pin = ask("PIN?", secret: true)
  let n = sh("printf %s {pin} | wc -c").stdout
  log("pin {pin}, {trim(n)} long")
}
