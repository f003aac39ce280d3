# Assigning into a list or map (`x[i] = v`, `m["k"] = v`, `m.k = v`, nested): lists and maps are
# values, so no other variable ever sees the change (docs/language.md §5).
# exit: 0
# expect: ok     expect m == {a: 10, b: {c: [1, 20, 3]}, "new key": "x", more: 7}
# expect: ok     expect alias == {a: 1, b: {c: [1, 2, 3]}}
# expect: ok     expect inner == [1, 2, 3]
# expect: ok     expect l == [0, 10, 20, 99] and copy == [0, 1, 2, 3]
# expect: ok     expect squares == [0, 1, 4, 9, 16] and kept == [0, 0, 0, 0, 0]
# expect: ok     expect self == [[1, 2], 2]
# expect: ok     expect rows[1].name == "b2" and first == {name: "a"}
# expect: ok     expect g.count == 3 and g.names == ["one", "two", "three"]
# expect: ok     expect before == {count: 0, names: []}
# expect: ok     expect via_fn == {k: "set by a fn"}
# expect: ok     expect order == ["key", "value"]
# expect: ok     expect cfg.region == "eu" and cfg.zone == "b"
runbook "item assignment"

let g = {count: 0, names: []}
let before = g
let via_fn = {}
let order = []

fn set_global() {
  via_fn["k"] = "set by a fn"
}

fn note(what) {
  order = order + [what]
  return what
}

step "maps" {
  let m = {a: 1, b: {c: [1, 2, 3]}}
  let alias = m
  let inner = m.b.c
  m["a"] = 10
  m.b.c[1] = 20
  m["new key"] = "x"
  m.more = 7
  expect m == {a: 10, b: {c: [1, 20, 3]}, "new key": "x", more: 7}
  expect alias == {a: 1, b: {c: [1, 2, 3]}}
  expect inner == [1, 2, 3]
}

step "lists" {
  let l = [0, 1, 2, 3]
  let copy = l
  for i in 1..2 {
    l[i] = l[i] * 10
  }
  l[-1] = 99
  expect l == [0, 10, 20, 99] and copy == [0, 1, 2, 3]
  let squares = [0, 0, 0, 0, 0]
  let kept = squares
  for i in 0..4 {
    squares[i] = i * i
  }
  expect squares == [0, 1, 4, 9, 16] and kept == [0, 0, 0, 0, 0]
  let self = [1, 2]
  self[0] = self
  expect self == [[1, 2], 2]
  let rows = [{name: "a"}, {name: "b"}]
  let first = rows[0]
  rows[1].name = "b2"
  rows[0]["name"] = "a2"
  expect rows[1].name == "b2" and first == {name: "a"}
}

step "globals" {
  for name in ["one", "two", "three"] {
    g.count = g.count + 1
    g.names = g.names + [name]
  }
  expect g.count == 3 and g.names == ["one", "two", "three"]
  expect before == {count: 0, names: []}
  set_global()
  expect via_fn == {k: "set by a fn"}
}

step "order" {
  let m = {}
  m[note("key")] = note("value")
  expect order == ["key", "value"]
  let cfg = {region: "us"}
  cfg.region = "eu"
  cfg.zone = "b"
  expect cfg.region == "eu" and cfg.zone == "b"
}
