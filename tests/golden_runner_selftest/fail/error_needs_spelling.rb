#? reason: unexpected error: lib/x.rb:1:1: error: boom
# mode: check
# exit: 65
#> err: lib/x.rb:1:1: error: boom
#> exit: 65
# A loose expect does not account for an error line:
# expect: boom
