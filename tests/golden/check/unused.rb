# Unused variables and functions: warnings.
let count = 1  # expect warning: `count` is never used
fn helper(a) {  # expect warning: function `helper` is never used
  return a
}
step "a" {
  let r = 2  # expect warning: unused variable `r`
  let _ok = 3
}
