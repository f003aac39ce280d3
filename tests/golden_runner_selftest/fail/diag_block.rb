let a = b  # expect error: undefined name
#? reason: diagnostic block not found in stderr
#> err: {file}:1:9: error: undefined name `b`
#> err:     1 | let a = b  # expect error: undefined name
#> err:       |        ^
#> exit: 65
# The caret is one column off:
# diag:
# | diag_block.rb:1:9: error: undefined name `b`
# |     1 | let a = b  # expect error: undefined name
# |       |         ^
