let a = b  # expect error: undefined name
#? reason: unexpected error: wrong_line.rb:2:9: error: undefined name
#> err: {file}:2:9: error: undefined name `b`
#> exit: 65
