# disasm lists a secret param as secret, without its default.
# mode: disasm
# allow-warnings
# expect: parameters:
# expect: token: string  global 0  default (required)  secret  at param_secret_disasm.rb:
# expect: pin: int  global 1  default (secret, not shown)  secret  at param_secret_disasm.rb:
# expect: region: string  global 2  default "eu-west-1"  at param_secret_disasm.rb:
# not-expect: 98765
runbook "disasm secret params"

param token: string secret
param pin = 98765 secret
param region = "eu-west-1"

step "work" {
  log("{token} {pin} {region}")
}
