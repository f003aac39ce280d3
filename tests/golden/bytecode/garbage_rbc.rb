# A file that is not bytecode is rejected with exit 65, never run.
# file: data/garbage.rbc
# mode: run
# exit: 65
# not-expect: ==
# expect: data/garbage.rbc: error: not a runbook artifact (bad magic)
