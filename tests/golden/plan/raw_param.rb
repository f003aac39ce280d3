# A command that is a run parameter spliced in unquoted (`{p:raw}`) is shown as written, with
# the parameter's default beside it; a required one is left to the parameters' table.
# mode: doc
# exit: 0
# expect: | `deploy_cmd` | string | `"kubectl rollout restart deploy/api"` | the real deploy |
# expect: | `target` | string | **required** |  |
# expect: - Run `{deploy_cmd:raw} --context {target:raw}` — `timeout: 5m` — by default `deploy_cmd = "kubectl rollout restart deploy/api"`
# expect: - Run `{undo_cmd:raw}` — by default `undo_cmd = 'kubectl rollout undo deploy/api'`
runbook "Raw commands"

param deploy_cmd = "kubectl rollout restart deploy/api"   # the real deploy
param undo_cmd = 'kubectl rollout undo deploy/api'
param target: string

step "Deploy" {
  sh("{deploy_cmd:raw} --context {target:raw}", timeout: 5m)
} rollback {
  sh("{undo_cmd:raw}")
}
