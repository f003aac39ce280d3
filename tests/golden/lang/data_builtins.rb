# Every data builtin, briefly.
# expect: log    len 5 3 2
# expect: log    keys ["a", "b"] values [1, 2]
# expect: log    str 42 true [1, "x"] nil
# expect: log    int 42 3 1 -7
# expect: log    float 2.5 3.0
# expect: log    json {"a":[1,true,null],"b":"x"} 2 ok
# expect: log    case abc ABC [trimmed]
# expect: log    split ["a", "b", "c"] ["a", "b"] join a-b-c abc
# expect: log    replace b-b-b starts true false ends true
# expect: log    any true false all true false
# expect: == GO
runbook "data builtins"

step "data" {
  log("len {len("hello")} {len([1, 2, 3])} {len({a: 1, b: 2})}")
  let m = {a: 1, b: 2}
  log("keys {keys(m)} values {values(m)}")
  log("str {str(42)} {str(true)} {str([1, "x"])} {str(nil)}")
  log("int {int("42")} {int(3.9)} {int(true)} {int("-7")}")
  log("float {float("2.5")} {float(3)}")
  let j = json.parse("\{\"a\": [1, true, null], \"b\": \"x\"\}")
  log("json {json.encode(j)} {j.a[0] + 1} {if_ok(j.b == "x")}")
  log("case {lower("AbC")} {upper("aBc")} [{trim("  trimmed \n")}]")
  log("split {split("a b  c")} {split("a,b", ",")} join {join(["a", "b", "c"], "-")} {join(["a", "b", "c"])}")
  log("replace {replace("a-a-a", "a", "b")} starts {starts_with("prefix", "pre")} {starts_with("prefix", "fix")} ends {ends_with("prefix", "fix")}")
  log("any {any([false, true])} {any([false, nil])} all {all([true, 1])} {all([true, false])}")
}

fn if_ok(b) {
  if b {
    return "ok"
  }
  return "not ok"
}
