# Without max_output:, a command may write 64 MiB to stdout and 64 MiB to stderr, like an
# HTTP body. A command that never stops writing is stopped there, at once, not at its
# timeout (it used to be read into memory until the timeout or the memory ran out).
# mode: run
# exit: 1
# expect: read 67108864 bytes
# expect: max_output_default.rb:21:3: error: exec `yes` wrote more than 64 MiB to stdout (the limit of max_output:); it was stopped and its process group killed
# expect: rollback ok Endless output
# not-expect: after the error
runbook "sh: the default output limit"

step "Exactly 64 MiB" {
  let r = sh("head -c 67108864 /dev/zero")
  log("read {len(r.stdout)} bytes")
} rollback {
  log("nothing to undo")
}

step "Endless output" timeout 5m {
  # stopped at 64 MiB + 1 byte
  exec(["yes"])
  log("after the error")
} rollback {
  log("nothing to undo")
}
