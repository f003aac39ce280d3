# --dry-run runs sh/exec declared `read_only: true` for real: their results are verified (an
# expect on them passes or fails for real), not "unverified" like a skipped write's. A command
# that is not declared read-only is shown, not done, and so is a read-only one whose arguments
# depend on a skipped write.
# args: --dry-run --verbose
# expect: DRY RUN
# expect: sh     echo ready
# expect: out | ready
# expect: ok     expect probe.stdout == "ready\n"
# expect: exec   printf %s 3
# expect: ok     expect int(n.stdout) == 3
# expect: would sh("echo deploying > /tmp/rbk-dry-ro-never-written")
# expect: unverified expect w.code == 0
# expect: would sh(<dry-run>, read_only: true)
# expect: unverified expect again.code == 0
# expect: would sh("echo restarting > /tmp/rbk-dry-ro-never-written", read_only: false)
# expect: ok     expect not file.exists("/tmp/rbk-dry-ro-never-written")
# expect: GO: 2 ok
# not-expect: not ready
runbook "Dry run with read-only commands"
step "Probe and deploy" {
  # declared read-only: the dry run runs them, and their results gate what follows
  let probe = sh("echo ready", read_only: true)
  expect probe.stdout == "ready\n"
  let n = exec(["printf", "%s", "3"], read_only: true)
  expect int(n.stdout) == 3
  if trim(probe.stdout) != "ready" {
    fail("not ready")
  }
  # not declared: shown, not done
  let w = sh("echo deploying > /tmp/rbk-dry-ro-never-written")
  expect w.code == 0
  # read-only, but its command depends on the skipped write: shown, not run
  let again = sh("echo {w.stdout}", read_only: true)
  expect again.code == 0
  # read_only: false is the default
  sh("echo restarting > /tmp/rbk-dry-ro-never-written", read_only: false)
} rollback {
  sh("rm -f /tmp/rbk-dry-ro-never-written")
}
step "Check" {
  expect not file.exists("/tmp/rbk-dry-ro-never-written")
}
