runbook "Spacing"
param count: int = 3
param ratio = -0.5
env A, B secret
let xs = [1, 2, 3]
let m = {a: 1, "b c": -2}

fn add(a, b = 1) {
  return a + b * -1
}

step "one" timeout 5m retries 2 if count > 0 {
  let y = add(1, b: 2)[0]
  if y == 2 and not (y > 3) {
    log("ok")
  } else if y < 0 {
    fail "neg"
  } else {
    log("else")
  }
  for i in 1..count {
    log("{i}")
  }
  for k, v in m {
    log(k)
  }
  expect y == 3 within 2m every 5s, "msg"
  stop-if false, "no"
  watch 1m every 10s {
    expect true
  }
} rollback {
  log("undo")
}

step "two" {} irreversible "gone"
