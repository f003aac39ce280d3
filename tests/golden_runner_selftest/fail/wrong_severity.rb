let a = 1  # expect error: unused
#? reason: unexpected warning
#> err: {file}:1:5: warning: unused variable `a`
#> exit: 65
