# allow-warnings
#> err: {file}:3:1: warning: step runs sh without rollback
#> out: done
# expect: done
