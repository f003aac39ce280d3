# A secret param given with a value that is not of its type: refused before step 1, and the
# value is not echoed in the message.
# exit: 64
# args: --param pin=12x-S3cret-34
# expect: not started
# expect: --param pin=***: not a valid int
# not-expect: 12x-S3cret-34
# not-expect: [1/1]
runbook "bad secret param"

param pin: int secret

step "show" {
  log("{pin}")
}
