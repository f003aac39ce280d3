let a = b  # expect error: undefined name
#? reason: unexpected error: other.rb:1:9: error: undefined name
#> err: other.rb:1:9: error: undefined name `b`
#> exit: 65
