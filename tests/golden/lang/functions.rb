# fn with defaults and named arguments; root fns may assign root globals.
# expect: log    111 103 14 6 21
# expect: log    counter 1 2 2
# expect: log    greet: hello, Ann!
# expect: == GO
runbook "functions"

let calls = 0

fn add(a, b = 10, c = 100) {
  return a + b + c
}
fn bump() {
  calls = calls + 1
  return calls
}
fn greet(name, greeting = "hello", punct = ".") {
  return "{greeting}, {name}{punct}"
}
fn nothing() {
  log("side effect only")
}

step "calls" {
  log("{add(1)} {add(1, 2)} {add(1, c: 3)} {add(c: 3, b: 2, a: 1)} {add(1, b: 10, c: 10)}")
  log("counter {bump()} {bump()} {calls}")
  log("greet: {greet("Ann", punct: "!")}")
}
