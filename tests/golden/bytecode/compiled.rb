# Compiled to compiled.rbc (deterministic, so the committed file does not change); the next
# golden, compiled_run.rb, runs that artifact.
# mode: compile
# args: -o compiled.rbc
# expect: wrote compiled.rbc
runbook "compiled runbook"

param who = "world"
let greeting = "hello"

fn shout(s, suffix = "!") {
  return upper(s) + suffix
}

step "greet" {
  log("{greeting} {who}")
  log(shout("artifact"))
  expect len(who) > 0, "who must not be empty"
} rollback {
  log("undo greet")
}
step "fail on purpose" if who == "fail" {
  fail "asked to fail"
}
