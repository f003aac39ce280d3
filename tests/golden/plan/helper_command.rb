# plan shows the command a helper will run (issue 15): exec's argv built inside a `fn` (std/pg's
# backup: a `let` list, `+`, a loop that may add to it, the call's arguments) is shown as the
# command line it makes, not as `<value of argv + [...]>`; a word that is not a literal shows as
# `{expr}`, `…` where the loop may add words, a word with a space in quotes.
# mode: plan
# expect: write  exec       pg_dump --no-password --clean --if-exists --file /var/backups/orders.sql … --dbname {env.DATABASE_URL}  (timeout: 30m; via pg.backup;
# expect: write  exec       kubectl rollout restart deployment/orders --namespace shop  (via k8s.rollout_restart;
# expect: write  exec       tar -czf 'orders backup.tgz' {trim(" /var/backups ")}  (via pack;
# not-expect: <value of
runbook "Plan: commands built in helpers"

env DATABASE_URL secret

use "std/pg"
use "std/k8s"

fn pack(dir) {
  let argv = ["tar", "-czf", "orders backup.tgz"]
  return exec(argv + [dir])
}

step "Back up and restart" {
  pg.backup(env.DATABASE_URL, "/var/backups/orders.sql")
  k8s.rollout_restart("orders", "shop")
  pack(trim(" /var/backups "))
} rollback {
  # nothing to undo: a backup is only ever added
}
