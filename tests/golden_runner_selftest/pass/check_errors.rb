let a = b       # expect error: undefined name `b`
let c = 1       # expect warning: unused
let d = e + f   # expect error: undefined name `e` # expect error: undefined name `f`
#> err: {file}:1:9: error: undefined name `b`
#> err:     1 | let a = b
#> err:       |         ^
#> err: {file}:2:5: warning: unused variable `c`
#> err: {file}:3:9: error: undefined name `e`
#> err: {file}:3:13: error: undefined name `f`
#> err: {file}:3:13: note: notes are never checked
#> out: 3 errors
#> exit: 65
# Default mode check, default exit 65; the whole rendered diagnostic:
# expect: fake: mode=check
# diag:
# | check_errors.rb:1:9: error: undefined name `b`
# |     1 | let a = b
# |       |         ^
