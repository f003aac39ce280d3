# --dry-run's `would sh(...)` shows the command's arguments: a secret number quoted into a
# command, alone or inside a list, is registered as it leaves the language, and masked.
# args: --dry-run
# expect: would sh("echo '[***]'")
# expect: would sh("echo '***'")
# not-expect: 8675309123
runbook "secret items in a dry run"

step "Dry" {
  let n = secret(8675309000 + 123)
  sh("echo {[n]}")
  sh("echo {n}")
} rollback {
  log("undo")
}
