#? reason: diagnostic block not found in stderr
#> out: rendered
#> out:   here
# diag:
# | rendered
# |   here
