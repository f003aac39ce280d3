#? reason: exit code 1, expected 0
#> exit: 1
