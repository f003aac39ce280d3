# plan shows a secret param as secret and never its value: not its default in the parameters'
# table, not in the assumptions, not beside a command that splices it in.
# mode: plan
# allow-warnings
# expect: Parameters (--param NAME=VALUE)
# expect:   api_token  string    required  secret  # the deploy API's token
# expect:   pin        int       = ***  secret
# expect:   region     string    = "eu-west-1"
# not-expect: 98765
# not-expect: sleep
runbook "Secret params in the plan"

param api_token: string secret   # the deploy API's token
param pin = 98765 secret
param region = "eu-west-1"
param nap = 5s secret

step "Deploy" {
  sh("deploy --token {api_token} --pin {pin} --region {region}")
  wait(nap)
} rollback {
  sh("undo --token {api_token}")
}
