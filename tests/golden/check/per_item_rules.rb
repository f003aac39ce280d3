# What the per-item model cannot run safely (docs/fleet.md, "The concurrency model"), refused
# with the hint that says what to do instead: a top-level variable assigned in the body or the
# rollback, or through a fn they call; a gate with batches of more than one; a list that
# writes or asks. Reading in the list is fine; so is a gate with serial 1, and a `let`.
# diag:
# | per_item_rules.rb:23:3: error: a per-item step cannot assign `count`, a top-level variable
# |    23 |   count = count + 1  # expect error: a per-item step cannot assign `count`, a top-level variable
# |       |   ^~~~~~~~~~~~~~~~~
# |       = hint: its instances run apart (a batch of more than one in processes of their own), so the value could not come back: keep it in the step (`let`), or compute it before the step
hosts workers
let count = 0
let names = ["a", "b"]

fn bump() {
  count = count + 1
  return count
}
fn pure(x) {
  return "{x}!"
}

step "Direct {n}" for n in hosts.workers {
  count = count + 1  # expect error: a per-item step cannot assign `count`, a top-level variable
}
step "Through a fn {n}" for n in hosts.workers {  # expect error: per-item step "Through a fn {n}" calls a function that assigns a top-level variable
  log("{bump()}")
}
step "In the rollback {n}" for n in hosts.workers {  # expect error: per-item step "In the rollback {n}" calls a function that assigns a top-level variable (in its rollback)
  sh("true", on: n)
} rollback {
  log("{bump()}")
}
step "Gate {n}" for n in hosts.workers serial 2 {  # expect error: per-item step "Gate {n}" asks the operator (confirm/ask/approve) but runs its instances more than one at a time
  confirm("Upgrade {n}?")
}
step "Gate share {n}" for n in hosts.workers serial 10% {  # expect error: per-item step "Gate share {n}" asks the operator (confirm/ask/approve) but runs its instances a share at a time
  confirm("Upgrade {n}?")
}
step "Gate one {n}" for n in hosts.workers serial 1 {
  confirm("Upgrade {n}?")
  let local = pure(n)
  log(local)
}
step "Listed {x}" for x in split(sh("list-nodes").stdout, "\n") {  # expect error: the list of per-item step "Listed {x}" changes something or asks the operator
  log(x)
}
step "Asked {x}" for x in [ask("Which node?")] {  # expect error: the list of per-item step "Asked {x}" changes something or asks the operator
  log(x)
}
step "Read {x}" for x in split(sh("list-nodes", read_only: true).stdout, "\n") {
  log(x)
}
step "Names {x}" for x in names {
  log(pure(x))
}
