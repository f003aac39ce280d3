# runbook doc of read_only.rb: the step whose commands are declared read-only has nothing to
# undo; the declaration is shown beside the command.
# file: read_only.rb
# mode: doc
# exit: 0
# expect: | 1 | Look | nothing to undo | 35s |
# expect: | 2 | Restart | rolled back | 30s |
# expect: | 3 | Undeclared | **no rollback** | 30s |
# expect: Run `kubectl get pods -n {"web"}` — `read_only: true`
