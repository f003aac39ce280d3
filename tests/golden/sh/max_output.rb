# max_output: bounds what a command may write to stdout and to stderr: N bytes are returned
# whole; N + 1 bytes stop the command and fail the step, even with check: false (the output
# is incomplete, as after a timeout). The error names the stream, the limit and the argument.
# mode: run
# exit: 1
# expect: stdout 1000 bytes, stderr 1000 bytes
# expect: max_output.rb:25:3: error: sh `head -c 1001 /dev/zero >&2` wrote more than 1000 bytes to stderr (the limit of max_output:); it was stopped and its process group killed
# expect: (pass max_output: BYTES, at most 268435455, to allow more; or send the output to a file)
# expect: rollback ok One byte more
# not-expect: after the error
runbook "sh: max_output at N and N+1"

step "Exactly the limit" {
  let r = sh("head -c 1000 /dev/zero; head -c 1000 /dev/zero >&2", max_output: 1000)
  log("stdout {len(r.stdout)} bytes, stderr {len(r.stderr)} bytes")
  let e = exec(["head", "-c", "1000", "/dev/zero"], max_output: 1000)
  expect len(e.stdout) == 1000
  let none = sh("true", max_output: 0)
  expect none.stdout == ""
} rollback {
  log("nothing to undo")
}

step "One byte more" {
  sh("head -c 1001 /dev/zero >&2", max_output: 1000, check: false)
  log("after the error")
} rollback {
  log("nothing to undo")
}
