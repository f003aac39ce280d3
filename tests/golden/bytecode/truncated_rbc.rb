# A truncated artifact is rejected with exit 65.
# file: data/truncated.rbc
# mode: run
# exit: 65
# not-expect: ==
# expect: data/truncated.rbc: error: truncated
