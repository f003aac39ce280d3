# `runbook check DIR` takes .runbook files as it takes .rb files (docs/editors.md: the extension
# editors cannot take for Ruby): data/ext has a runbook x.runbook that uses lib/util.runbook,
# bound as `util` (the base name without .runbook), and a .txt file that is not checked.
# mode: check
# file: data/ext
# exit: 65
# expect: data/ext/lib/util.runbook:3:10: error: unknown name `nope`
# expect: 1 error, 0 warnings in 2 files
