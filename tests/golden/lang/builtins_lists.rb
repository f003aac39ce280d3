# sort, unique, min, max and sum (docs/language.md §8 "lists"): numbers, strings, durations and
# times; key: for lists of maps; desc: true; equal items keep their order; an empty list; a
# secret list gives secret results.
# expect: log    [1, 1.5, 2, 10]
# expect: log    ["B", "a", "b"]
# expect: log    [10, 2, 1.5, 1]
# expect: log    [250ms, 1s, 2m]
# expect: log    [2026-01-01T00:00:00.000Z, 2026-03-01T00:00:00.000Z]
# expect: log    [] []
# expect: log    api web db
# expect: log    web db api
# expect: log    [1, 2, "1", [1], {"a": 1}]
# expect: log    web api
# expect: log    1 10 250ms 2026-03-01T00:00:00.000Z
# expect: log    api web
# expect: log    13 14.5 2m1s 0
# expect: log    ***
# expect: log    ***
# not-expect: 49
# not-expect: [2, 7, 40]
# expect: == GO
runbook "lists"

let rows = [
  {name: "web", load: 3, zone: "a"},
  {name: "api", load: 1, zone: "b"},
  {name: "db", load: 3, zone: "a"},
]
let jan = time.parse("2026-01-01T00:00:00Z")
let mar = time.parse("2026-03-01T01:00:00+01:00")

fn names(xs) {
  let out = []
  for x in xs {
    out = out + [x.name]
  }
  return join(out, " ")
}

step "Sort" {
  log(sort([10, 2, 1.5, 1]))
  log(sort(["b", "a", "B"]))
  log(sort([10, 2, 1.5, 1], desc: true))
  log(sort([1s, 2m, 250ms]))
  log(sort([mar, jan]))
  log("{sort([])} {unique([])}")
  log(names(sort(rows, key: "load")))             # web and db are equal: they keep their order
  log(names(sort(rows, key: "load", desc: true)))
}

step "Unique" {
  log(unique([1, 2, 1.0, "1", [1], [1], {a: 1}, {a: 1}]))
  log(names(unique(rows, key: "zone")))           # the first of each zone
}

step "Min, max, sum" {
  log("{min([3, 1, 10])} {max([3, 1, 10])} {min([1s, 250ms])} {max([jan, mar])}")
  log("{min(rows, key: "load").name} {max(rows, key: "load").name}")   # the first of equals
  log("{sum([1, 2, 10])} {sum([1, 2.5, 11])} {sum([1s, 2m])} {sum([])}")
}

step "Secret" {
  let xs = secret([40, 2, 7])
  log(sum(xs))           # a value derived from a secret: shown as *** whole
  log(sort(xs))
}
