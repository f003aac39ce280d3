#? reason: unexpected warning (add '# expect warning:' or '# allow-warnings')
#> err: {file}:3:1: warning: step runs sh without rollback
