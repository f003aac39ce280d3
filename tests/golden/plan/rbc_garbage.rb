# A file that is not an artifact is refused with the loader's message (exit 65).
# file: ../bytecode/data/garbage.rbc
# mode: doc
# exit: 65
# expect: ../bytecode/data/garbage.rbc: error: not a runbook artifact (bad magic)
