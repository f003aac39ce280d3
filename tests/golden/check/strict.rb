# --strict turns warnings into a failing check (exit 65).
# args: --strict
# exit: 65
step "a" {
  let r = 2  # expect warning: unused variable `r`
}
