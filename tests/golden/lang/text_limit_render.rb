# A list that holds itself twice, thirty times over, has 2^30 items to show. Making text of it
# stops at 256 MiB (docs/language.md §3) with an error, instead of running for minutes and
# taking gigabytes (7.5 GB for str(l) before the limit).
# mode: run
# exit: 1
# expect: log    built
# expect: text_limit_render.rb:17:11: error: str: a text cannot be 256 MiB or longer
# expect: FAILED Render
# not-expect: not reached
runbook "Text limit, rendering"
step "Render" {
  let l = [1]
  for _i in 1..30 {
    l = [l, l]
  }
  log("built")
  let s = str(l)
  log("not reached {len(s)}")
}
