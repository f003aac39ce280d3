# --dry-run's `would sh(...)` shows the command's arguments: a secret inside a list is *** there.
# args: --dry-run
# expect: would sh(***)
# expect: would sh(***)
# not-expect: 8675309123
runbook "secret items in a dry run"

step "Dry" {
  let n = secret(8675309000 + 123)
  sh("echo {[n]}")
  sh("echo {n}")
} rollback {
  log("undo")
}
