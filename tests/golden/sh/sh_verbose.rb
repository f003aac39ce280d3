# --verbose streams a command's output live, line by line, both streams, masked. (The two
# streams are separate pipes: stderr is written last, after a pause, so the order is fixed.)
# env: API_TOKEN=verbose-golden-token-4242
# args: --verbose
# exit: 0
# expect: out | first line
# expect: out | token=***
# expect: out | last line
# expect: err | to stderr
# not-expect: verbose-golden-token-4242
runbook "sh --verbose"

env API_TOKEN secret

step "stream" {
  sh("echo first line; echo token={env.API_TOKEN}; echo last line; sleep 0.3; echo to stderr >&2", read_only: true)
}
