# `x = x + [..]` may append in place (vm/interp.c): never when another name holds the list.
# exit: 0
# expect: ok     expect a == [1]
# expect: ok     expect b == [1, 2]
# expect: ok     expect l == [1, 2, 1, 2]
# expect: ok     expect g == [0, 1, 2, 3]
# expect: ok     expect kept == [0]
runbook "list append aliasing"

let g = [0]
let kept = g

step "locals" {
  let a = [1]
  let b = a
  b = b + [2]
  expect a == [1]
  expect b == [1, 2]
  let l = [1, 2]
  l = l + l
  expect l == [1, 2, 1, 2]
}

step "globals" {
  for i in 1..3 {
    g = g + [i]
  }
  expect g == [0, 1, 2, 3]
  expect kept == [0]
}
