let a = b  # expect error: undefined name
#? reason: line 1: expected 'missing_error.rb:1:<col>: error: undefined name'
#> exit: 65
