let a = b  # expect error: undefined name `c`
#? reason: expected 'wrong_message.rb:1:<col>: error: undefined name `c`'
#> err: {file}:1:9: error: undefined name `b`
#> exit: 65
