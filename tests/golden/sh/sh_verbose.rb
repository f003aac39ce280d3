# --verbose streams a command's output live, line by line, both streams, masked.
# env: API_TOKEN=verbose-golden-token-4242
# args: --verbose
# exit: 0
# expect: out | first line
# expect: err | to stderr
# expect: out | token=***
# expect: out | last line
# not-expect: verbose-golden-token-4242
runbook "sh --verbose"

env API_TOKEN secret

step "stream" {
  sh("echo first line; echo to stderr >&2; echo token={env.API_TOKEN}; echo last line")
} irreversible "prints only"
