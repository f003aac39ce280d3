# A dry run without a terminal: a `tty: true` command that writes is shown, not run, so it needs
# no terminal; one that says `read_only: true` would run, so the run is refused.
# args: --dry-run
# exit: 64
# expect: - sh at tty_dry_run.rb:11 needs a terminal (tty: true) ("less /etc/hostname"): run it on one
# not-expect: tty_dry_run.rb:10
runbook "Terminal commands in a dry run"

step "Look and edit" {
  sh("vi /tmp/x", tty: true)
  sh("less /etc/hostname", tty: true, read_only: true)
} irreversible "an operator edits the file"
