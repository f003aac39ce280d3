# `secret` after a param is a modifier only in that position: `secret(v)` is still the builtin,
# and a param's value passed through it is masked, like a secret param's.
# args: --param plain=pl41n-value-77 --param token=t0ken-value-88
# expect: log    plain=*** token=***
# not-expect: pl41n-value-77
# not-expect: t0ken-value-88
runbook "secret() and secret params"

param plain: string
param token: string secret

step "show" {
  let p = secret(plain)
  log("plain={p} token={token}")
}
