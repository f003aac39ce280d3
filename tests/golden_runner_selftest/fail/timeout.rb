#? reason: timed out after 2 s
#> out: started
#> sleep: 30
