# What the checker refuses in an assignment into a list or map (docs/language.md §5).
param region = "eu"
let s = "abc"
let n = 5
let l = [1]
let m = {a: 1}
step "Mistakes" {
  s[0] = "x"  # expect error: a string has no items to assign
  n["a"] = 1  # expect error: an int has no items to assign
  l["a"] = 1  # expect error: a list index must be an int, not string
  l.x = 1  # expect error: a list has no fields (`.x`)
  m[1] = 2  # expect error: a map key must be a string, not int
  region[0] = "x"  # expect error: `region` is a run parameter and cannot be assigned
  undeclared["k"] = 1  # expect error: `undeclared` is not declared
  env.HOME = "x"  # expect error: environment variables cannot be assigned
  len(l) = 2  # expect error: the left side of `=` cannot be assigned
  m.a + 1 = 3  # expect error: the left side of `=` cannot be assigned
}
