# A per-item step's attributes (docs/language.md §6, per-item steps): serial and max_fail are a
# whole number or a percentage in range, only on a step with `for`; a misspelt one is met with
# a "did you mean".
# diag:
# | per_item_attrs.rb:15:37: error: unknown step attribute `seral`
# |    15 | step "A {n}" for n in hosts.workers seral 2 {  # expect error: unknown step attribute `seral`
# |       |                                     ^~~~~
# |       = hint: did you mean `serial`?
# diag:
# | per_item_attrs.rb:36:10: error: `max_fail` is an attribute of a per-item step
# |    36 | step "E" max_fail 1 {  # expect error: `max_fail` is an attribute of a per-item step
# |       |          ^~~~~~~~~~
# |       = hint: step "Upgrade {n.name}" for n in hosts.workers max_fail 1 { ... }
hosts workers
step "A {n}" for n in hosts.workers seral 2 {  # expect error: unknown step attribute `seral`
  log(n)
}
step "B {n}" for n in hosts.workers serial 0 {  # expect error: `serial` needs a whole number from 1 to 1000000
  log(n)
}
step "C {n}" for n in hosts.workers serial 101% max_fail 100% {  # expect error: `serial` needs a whole number from 1% to 100%
  log(n)
}
step "D {n}" for n in hosts.workers max_fail -1 {  # expect error: `max_fail` needs a whole number from 0 to 1000000
  log(n)
}
step "D2 {n}" for n in hosts.workers serial 2.5 {  # expect error: `serial` needs a whole number from 1 to 1000000
  log(n)
}
step "D3 {n}" for n in hosts.workers max_fail 101% {  # expect error: `max_fail` needs a whole number from 0% to 100%
  log(n)
}
step "Fine {n}" for n in hosts.workers serial 100% max_fail 0% {
  log(n)
}
step "E" max_fail 1 {  # expect error: `max_fail` is an attribute of a per-item step
  log("e")
}
step "F" serial 2 {  # expect error: `serial` is an attribute of a per-item step
  log("f")
}
