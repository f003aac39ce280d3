# `runbook check DIR`: data/dir has two runbooks that use one library module with one error.
# The error is reported once (not once per runbook that uses the module, nor again for the
# module checked as a file of its own), and the library's functions are not "never used".
# mode: check
# file: data/dir
# exit: 65
# expect: data/dir/lib/util.rb:9:10: error: unknown name `undefined_name`
# expect: 1 error, 0 warnings in 3 files
# not-expect: never used
