# Lists and maps nest at most 1,000 levels (docs/language.md §3): building a deeper one is a
# runtime error at the expression, not a crash when the value is printed or freed. Before the
# limit, `l = [l]` a million times crashed the release binary freeing it.
# mode: run
# exit: 1
# expect: log    1000 levels are fine
# expect: nesting_limit.rb:17:11: error: a list or map cannot nest more than 1000 levels deep
# expect: FAILED Nest
# not-expect: not reached
runbook "Nesting limit"
step "Nest" {
  let l = []
  for _i in 1..999 {
    l = [l]
  }
  log("1000 levels are fine")
  let m = [l]
  log("not reached {m}")
}
