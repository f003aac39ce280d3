# plan --format json: a secret param says "secret": true and its default is "***".
# mode: plan
# args: --format json
# allow-warnings
# expect: "name": "api_token",
# expect: "required": true,
# expect: "secret": true,
# expect: "name": "pin",
# expect: "default": "***",
# expect: "secret": true,
# expect: "name": "region",
# expect: "default": "\"eu-west-1\"",
# expect: "secret": false,
# not-expect: 98765
runbook "Secret params in JSON"

param api_token: string secret
param pin = 98765 secret
param region = "eu-west-1"

step "Deploy" {
  sh("deploy --token {api_token} --pin {pin} --region {region}")
} rollback {
  sh("undo")
}
