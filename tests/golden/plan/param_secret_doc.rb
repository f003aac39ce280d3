# doc marks a secret param in the parameters' table, shows neither its default nor its value
# anywhere, and says what secret means for the operator; plan --format json says "secret".
# mode: doc
# allow-warnings
# expect: | `api_token` | string, **secret** | **required** | the deploy API's token |
# expect: | `pin` | int, **secret** | `***` |  |
# expect: | `region` | string | `"eu-west-1"` |  |
# expect: | `deploy_cmd` | string, **secret** | `***` |  |
# expect: A **secret** parameter is typed without echo when asked for, masked in all output, and not written to the journal: `runbook resume` asks for it again.
# expect: - Run `{deploy_cmd:raw} --token {api_token} --pin {pin}`
# not-expect: 98765
# not-expect: kubectl
# not-expect: by default
runbook "Secret params in the doc"

param api_token: string secret   # the deploy API's token
param pin = 98765 secret
param region = "eu-west-1"
param deploy_cmd = "kubectl apply -f deploy.yaml" secret

step "Deploy" {
  sh("{deploy_cmd:raw} --token {api_token} --pin {pin}")
} rollback {
  sh("undo --region {region}")
}
