# A dry run without a terminal shows a `tty: true` command that writes, as any write.
# args: --dry-run
# expect: would sh("vi /tmp/x", tty: true)
runbook "A terminal command in a dry run"

step "Edit" {
  sh("vi /tmp/x", tty: true)
} irreversible "an operator edits the file"
