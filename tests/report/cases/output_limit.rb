# A command that writes more than max_output is stopped and its step fails, naming the limit;
# the report keeps the end of what it wrote (the tail), masked: the secret in it is ***. The
# command ignores SIGTERM, so it finishes writing in the grace period and the tail is the same
# in every run.
# env: TAIL_TOKEN=tail-S3cret-0042
# secret: tail-S3cret-0042
# exit: 1
runbook "Output past the limit"

env TAIL_TOKEN secret

step "chatty command" {
  sh("trap '' TERM; i=0; while [ $i -lt 20000 ]; do i=$((i+1)); echo \"line $i token=$T\"; done", env: {T: env.TAIL_TOKEN}, max_output: 100000)
} rollback {
  log("nothing to undo")
}
