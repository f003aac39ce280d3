# skip: a module used by modules.rb, not a runbook of its own
# Modules hold fn and let only.
let greeting = "hi"
let shout_suffix = "!!"

fn greet(name, punct = "!") {
  return "{greeting} {name}{punct}"
}
fn shout(s) {
  return upper(s) + shout_suffix
}
