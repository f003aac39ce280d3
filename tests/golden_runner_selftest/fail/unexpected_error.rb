let a = b  # expect error: undefined name
#? reason: unexpected error: unexpected_error.rb:7:1: error: stray
#> err: {file}:1:9: error: undefined name `b`
#> err: {file}:7:1: error: stray
#> exit: 65
# An error nobody annotated fails the file.
