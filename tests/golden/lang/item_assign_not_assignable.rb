# `=` after something that cannot be assigned says what can be, instead of "to compare, write
# `==`" (that hint stays where a comparison was meant, as in a condition).
# diag:
# | item_assign_not_assignable.rb:13:3: error: the left side of `=` cannot be assigned
# |    13 |   f(1) = 2  # expect error: the left side of `=` cannot be assigned
# |       |   ^~~~
# |       = hint: a variable (`x = v`), a list's item (`xs[0] = v`) or a map's entry (`m["k"] = v`, `m.k = v`) can be assigned; to compare, write `==`
# expect: hint: to compare, write `==`
fn f(x) {
  return x
}
step "Mistakes" {
  f(1) = 2  # expect error: the left side of `=` cannot be assigned
  expect f(1) = 1  # expect error: unexpected '='
}
