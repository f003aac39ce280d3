# re.match and re.find_all (docs/language.md §8 "patterns"): the PCRE2 search of `matches`; the
# whole match, then each group (nil for one that took no part), or nil; a value interpolated
# into the pattern literal is matched as the text it holds, {x:raw} as pattern syntax; a secret
# subject gives secret results.
# expect: log    ["db-3.prod", "db", "3", nil]
# expect: log    nil
# expect: log    host db, number 3
# expect: log    [["a=1", "a", "1"], ["bb=22", "bb", "22"]] []
# expect: log    [[""], [""], [""], [""]]
# expect: log    [[""], ["a"], [""], ["a"], [""]] [["a"], [""], ["b"], [""], [""], ["c"], [""]]
# expect: log    ["v1.2.0"] nil
# expect: log    ["api-7", "api"]
# expect: log    ["été"]
# expect: log    ["***"]
# not-expect: hunter2
# expect: == GO
runbook "patterns"

let version = "1.2"
let prefix = "(api|web)"

step "Match" {
  log(re.match("host db-3.prod", "([a-z]+)-([0-9]+)\\.prod(x)?"))
  log(re.match("nothing here", "[0-9]+"))
  let m = re.match("db-3", "^([a-z]+)-([0-9]+)$")
  if m != nil {
    log("host {m[1]}, number {m[2]}")
  }
  log("{re.find_all("a=1, bb=22", "([a-z]+)=([0-9]+)")} {re.find_all("x", "[0-9]")}")
  log(re.find_all("été", ""))                   # empty matches step over whole characters
  # after an empty match, a non-empty one at the same place is found first (as Python's findall)
  log("{re.find_all("aa", "a*?")} {re.find_all("a,b,,c", "[^,]*")}")
  log("{re.match("v1.2.0", "^v{version}\\.[0-9]+$")} {re.match("v1x2.0", "^v{version}")}")
  log(re.match("api-7", "^{prefix:raw}-[0-9]+$"))
  log(re.match("l'été", "(?i)ÉTÉ"))
  log(re.match(secret("pw=hunter2"), "[a-z0-9]+$"))
}
