# A `param ... secret` is secret from the moment it is read, as an `env ... secret` is: its text
# is masked in every line printed (logs, commands and their output, expectation values, errors),
# and a default that is used is masked too. (Exit 3: the rollback's error is part of the test.)
# args: --param token=tok-Param-S3cret-9 --param pin=4711 --verbose
# exit: 3
# allow-warnings
# expect: log    ***
# expect: log    pin=*** region=eu-west-1 fallback=***
# expect: sh     echo '***' '***' ***; echo '***' >&2
# expect: out | *** *** ***
# expect: err | ***
# expect: FAILED expect token == "guess"
# expect: token = "***"
# expect: param_secret.rb:31:10: error: expectation failed: token == "guess"
# expect: param_secret.rb:34:9: error: rollback: the map has no key "***"
# expect: == NO-GO
# not-expect: tok-Param-S3cret-9
# not-expect: 4711
# not-expect: fb-Default-S3cret
runbook "secret params"

param token: string secret
param pin: int secret
param fallback = "fb-Default-S3cret" secret
param region = "eu-west-1"

step "show" {
  log("token={token} len={len(token)}")
  log("pin={pin} region={region} fallback={fallback}")
  sh("echo {token} {pin} {fallback:raw}; echo {token} >&2")
  expect token == "guess"
} rollback {
  let m = {a: 1}
  log("{m[token]}")
}
