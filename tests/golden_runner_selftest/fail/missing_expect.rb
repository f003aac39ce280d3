#? reason: expected a line containing 'step three'
#> out: step one
# expect: step three
