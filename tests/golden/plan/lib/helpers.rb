# skip: a module used by modules.rb, not a runbook of its own
# Modules hold fn and let only; a module's top-level lets run before everything else.
let stamp = trim(sh("date +%s").stdout)

fn restart(unit, grace = 10s) {
  sh("systemctl restart {unit}", timeout: 1m)
  wait(grace)
}
