# `a + b` merges two maps: a's keys in a's order, then b's new keys; where both have a key, b's
# value wins. Neither operand changes.
# expect: log    {"region": "eu", "replicas": 5, "tags": ["a"], "zone": "b"}
# expect: ok     expect m.replicas == 5 and m.zone == "b" and m.region == "eu"
# expect: ok     expect base == {region: "eu", replicas: 2, tags: ["a"]}
# expect: ok     expect keys(over + base) == ["replicas", "zone", "region", "tags"]
# expect: ok     expect {} + {} == {} and base + {} == base
runbook "map merge"

let base = {region: "eu", replicas: 2, tags: ["a"]}
let over = {replicas: 5, zone: "b"}

step "Merge" {
  let m = base + over
  log(m)
  expect m.replicas == 5 and m.zone == "b" and m.region == "eu"
  expect base == {region: "eu", replicas: 2, tags: ["a"]}
  expect keys(over + base) == ["replicas", "zone", "region", "tags"]
  expect {} + {} == {} and base + {} == base
}
