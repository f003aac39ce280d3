# JSON values become language values: objects are maps (key order kept), arrays lists,
# integers ints, reals floats, true/false bools, null nil, strings strings (UTF-8).
# requires: http
# exit: 0
# expect: first key: name
# expect: count=42 ratio=0.25 big=9007199254740993
# expect: unicode=café ✓ 🚀
# expect: deep=deep tags=b mixed=6
runbook "HTTP: JSON to values"

env RBK_HTTP_URL

let base = env.RBK_HTTP_URL

step "Decode" {
  let j = http.get("{base}/json").json
  log("first key: {keys(j)[0]}")
  expect j.count == 42 and j.ratio == 0.25 and j.negative == -7
  expect j.enabled == true and j.disabled == false and j.missing == nil
  log("count={j.count} ratio={j.ratio} big={j.big}")
  log("unicode={j.unicode}")
  expect j.unicode contains "café"
  expect len(j.mixed) == 6 and j.mixed[1] == 2.5 and j.mixed[3] == nil and j.mixed[5].k == "v"
  expect len(j.empty_obj) == 0 and len(j.empty_list) == 0
  log("deep={j.nested.level1.level2.value} tags={j.tags[1]} mixed={len(j.mixed)}")
  expect j.nested.level1.level2.list[0][1] == 2
}
