# std/systemd — systemd unit helpers over systemctl (on PATH), run with exec() — no shell.
# `use "std/systemd"` binds `systemd`. Run the runbook as a user allowed to manage the units
# (or pass sudo: true to prefix the calls with `sudo -n`, which fails rather than prompting).
# Functions that `expect` must be called from a step.
# Shares its contract with: tests/golden/stdlib/k8s_systemd_git.rb (checked, not run).

fn systemctl_argv(args, sudo) {
  if sudo {
    return ["sudo", "-n", "systemctl"] + args
  }
  return ["systemctl"] + args
}

# Restarts the unit. Returns the exec result {code, stdout, stderr, time}, as start and stop do.
fn restart(unit, sudo = false) {
  return exec(systemctl_argv(["restart", unit], sudo))
}

# Starts the unit.
fn start(unit, sudo = false) {
  return exec(systemctl_argv(["start", unit], sudo))
}

# Stops the unit.
fn stop(unit, sudo = false) {
  return exec(systemctl_argv(["stop", unit], sudo))
}

# Whether the unit is active right now.
fn is_active(unit) {
  return exec(["systemctl", "is-active", "--quiet", unit], check: false, read_only: true).code == 0
}

# The unit's state word: active, inactive, failed, activating ...
fn state(unit) {
  return trim(exec(["systemctl", "is-active", unit], check: false, read_only: true).stdout)
}

# Expects the unit to become active within `limit`, polling every `poll`.
fn wait_active(unit, limit = 1m, poll = 2s) {
  expect exec(["systemctl", "is-active", "--quiet", unit], check: false, read_only: true).code == 0 within limit every poll, "unit {unit} is active (polled for up to {limit})"
}
