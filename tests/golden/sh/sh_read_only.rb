# read_only: true changes nothing in a live run: the command runs, is shown and recorded like any
# other, and check: (default true) still fails the step on a non-zero exit.
# args: --verbose
# exit: 1
# expect: sh     echo looked
# expect: out | looked
# expect: exec   sh -c 'exit 4'
# expect: log    code 4
# expect: sh     exit 2
# expect: sh_read_only.rb:18:3: error: sh `exit 2` exited with code 2
# expect: FAILED read-only commands
runbook "sh read only"

step "read-only commands" {
  let r = sh("echo looked", read_only: true)
  let e = exec(["sh", "-c", "exit 4"], check: false, read_only: true)
  log("code {e.code}")
  sh("exit 2", read_only: true)
  log(r.stdout)
}
