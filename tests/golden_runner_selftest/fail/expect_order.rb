#? reason: expected a line containing 'step one' after the previous expect
#> out: step one
#> out: step two
# expect: step two
# expect: step one
