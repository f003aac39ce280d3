# Arity, unknown named arguments and argument types of builtins.
step "a" {
  log("{len("a", "b")}")  # expect error: too many arguments: `len` takes 1
  log("{split("a b", sepp: " ")}")  # expect error: `split` has no parameter named `sepp`
  log("{lower(5)}")  # expect error: argument `s` of `lower` must be string, but this is int
  log(replace("a"))  # expect error: missing argument `old` of `replace`  # expect error: missing argument `new` of `replace`
  log("{len(1)}")  # expect error: argument `v` of `len` must be string|list|map, but this is int
}
# diag:
# | builtin_args.rb:4:22: error: `split` has no parameter named `sepp`
# |     4 |   log("{split("a b", sepp: " ")}")  # expect error: `split` has no parameter named `sepp`
# |       |                      ^~~~~~~~~
# |       = hint: did you mean `sep`?
