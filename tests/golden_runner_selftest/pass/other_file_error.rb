# mode: check
# exit: 65
#> err: lib/checks.rb:4:2: error: undefined name `x`
#> exit: 65
# An error in another file is accounted for when an expect line spells it out:
# expect: lib/checks.rb:4:2: error: undefined name `x`
