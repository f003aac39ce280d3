# A text is shorter than 256 MiB (docs/language.md §3): `+` that would make a longer one is a
# runtime error at the operator, before the memory is taken.
# mode: run
# exit: 1
# expect: log    128 MiB
# expect: text_limit_concat.rb:15:7: error: a text cannot be 256 MiB or longer
# expect: FAILED Double
runbook "Text limit, concatenation"
step "Double" {
  let s = "x"
  for _i in 1..27 {
    s = s + s
  }
  log("{len(s) / 1048576} MiB")
  s = s + s
}
