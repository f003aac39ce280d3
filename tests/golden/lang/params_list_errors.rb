# What the checker refuses in a list or map param.
param a: lists = []  # expect error: unknown parameter type `lists`
param b: list = [1s]  # expect error: a list or map parameter's default holds only literal strings, numbers, bools, nil, lists and maps
param c: map = ["x"]  # expect error: the default is list but the parameter is declared map
param d: list = ["{a}"]  # expect error: a list or map parameter's default holds only  # expect error: unknown name `a`
param e: list = [1 + 1]  # expect error: a list or map parameter's default holds only
step "Use" {
  log("{a} {b} {c} {d} {e}")
  e[0] = 2  # expect error: `e` is a run parameter and cannot be assigned
}
