#? reason: expected a line containing 'beta' after the previous expect
# Two expects cannot match the same output line.
#> out: alpha beta
# expect: alpha
# expect: beta
