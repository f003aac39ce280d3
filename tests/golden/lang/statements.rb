# Every statement: let, assignment, if / else if / else, for over a list, a map (one and two
# variables) and a range, return in a fn, expression statements; top-level code interleaved
# with steps.
# expect: log    start
# expect: log    sum=6
# expect: log    big
# expect: log    middle
# expect: log    small
# expect: log    key a
# expect: log    key b
# expect: log    a=1
# expect: log    b=2
# expect: log    range 1..4 total 10
# expect: log    empty loop ran 0 times
# expect: log    classify: neg zero pos
# expect: log    between steps
# expect: log    shadow inner=2 outer=1
# expect: == GO: 2 ok, 0 skipped
runbook "statements"

let xs = [1, 2, 3]
let total = 0

fn classify(n) {
  if n < 0 {
    return "neg"
  } else if n == 0 {
    return "zero"
  }
  return "pos"
}

log("start")

step "control flow" {
  for x in xs {
    total = total + x
  }
  log("sum={total}")
  for n in [10, 5, 1] {
    if n > 7 {
      log("big")
    } else if n > 3 {
      log("middle")
    } else {
      log("small")
    }
  }
  let m = {a: 1, b: 2}
  for k in m {
    log("key {k}")
  }
  for k, v in m {
    log("{k}={v}")
  }
  let r = 0
  for i in 1..4 {
    r = r + i
  }
  log("range 1..4 total {r}")
  let count = 0
  for e in [] {
    count = count + 1
  }
  log("empty loop ran {count} times")
  log("classify: {classify(-5)} {classify(0)} {classify(9)}")
}

log("between steps")

step "scopes" {
  let outer = 1
  if true {
    let inner = 2
    log("shadow inner={inner} outer={outer}")
  }
}
