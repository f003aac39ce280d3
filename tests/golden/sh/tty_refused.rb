# A command with `tty: true` needs the operator's terminal: without one the run is refused
# before step 1, every such command listed with its position (exit 64), nothing run.
# exit: 64
# expect: runbook: not started — 2 problems found before step 1:
# expect: - sh at tty_refused.rb:14 needs a terminal (tty: true) ("read -p 'Proceed? [y/N] ' a"): run it on one
# expect: - exec at tty_refused.rb:15 needs a terminal (tty: true): run it on one
# not-expect: [1/2]
runbook "Terminal commands without a terminal"

step "Before" {
  log("never reached")
}
step "Edit" {
  sh("read -p 'Proceed? [y/N] ' a", tty: true)
  exec(["vi", "/tmp/x"], tty: true)
} irreversible "an operator edits the file"
