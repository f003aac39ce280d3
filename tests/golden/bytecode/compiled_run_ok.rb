# The same artifact with the default param: the second step is skipped.
# file: compiled.rbc
# mode: run
# expect: log    hello world
# expect: [2/2] skipped fail on purpose
# expect: == GO: 1 ok, 1 skipped
