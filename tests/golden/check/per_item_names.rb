# Only a per-item step's name is a template: holes in the name of a step without `for` are an
# error that points at per-item steps; a per-item step's holes see its item.
# diag:
# | per_item_names.rb:9:6: error: a step's name must be a plain string (no interpolation)
# |     9 | step "Restart {n}" {  # expect error: a step's name must be a plain string (no interpolation)
# |       |      ^~~~~~~~~~~~~
# |       = hint: only a per-item step's name has holes: step "Upgrade {n.name}" for n in hosts.workers { ... }
hosts workers
step "Restart {n}" {  # expect error: a step's name must be a plain string (no interpolation)
  log("x")
}
step "Restart {n.name} on {len(n)}" for n in hosts.workers {
  log("{n}")
}
step "Restart {m}" for n in hosts.workers {  # expect error: unknown name `m`
  log("{n}")
}
