# Indexing is 0-based; a negative index counts from the end; m.get returns nil or a default.
# expect: log    list 10 30 30 10
# expect: log    string h o e
# expect: log    map 1 nil 5 1
# expect: log    nested 2
# expect: == GO
runbook "indexing"

let xs = [10, 20, 30]
let m = {alpha: 1, "with space": 2}

step "index" {
  log("list {xs[0]} {xs[2]} {xs[-1]} {xs[-3]}")
  let s = "hello"
  log("string {s[0]} {s[-1]} {s[1]}")
  log("map {m.alpha} {m.get("zeta")} {m.get("zeta", 5)} {m.get("alpha", 5)}")
  log("nested {m["with space"]}")
}
