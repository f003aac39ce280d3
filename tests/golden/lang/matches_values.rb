# A value interpolated into the pattern of `matches` is matched as the text it holds: each of
# its metacharacters is escaped (docs/language.md "Values in patterns"), inside a character
# class too; {x:raw} splices a pattern. On main the values were pattern syntax: "a.c" matched
# "abc", "x|y" matched "x", "^a" in a class negated it, and "(" was an invalid pattern.
# exit: 0
# expect: dot: false true
# expect: alternation: false true
# expect: paren: true
# expect: class: true false
# expect: backslash E: true
# expect: quantifier: false true
# expect: expectation holds
# expect: raw: true
runbook "matches: values in patterns"

step "Values are literals" {
  let dot = "a.c"
  log("dot: {"abc" matches "^{dot}$"} {"a.c" matches "^{dot}$"}")
  let alt = "x|y"
  log("alternation: {"x" matches "^{alt}$"} {"x|y" matches "^{alt}$"}")
  let open = "("
  log("paren: {"f(x)" matches "f{open}x"}")
  let chars = "^a"
  log("class: {"a" matches "^[{chars}]$"} {"b" matches "^[{chars}]$"}")
  let e = "\\E.*"
  log("backslash E: {"x\\E.*y" matches "x{e}y"}")
  let q = "a\{3\}"
  log("quantifier: {"aaa" matches "^{q}$"} {"a\{3\}" matches "^{q}$"}")
  let version = "1.2"
  expect "v1.2.0" matches "^v{version}\\.[0-9]+$", "the expectation holds"
  log("expectation holds")
  log("raw: {"abc" matches "^{"a.c":raw}$"}")
}
